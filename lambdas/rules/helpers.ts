/**
 * Shared building blocks for detection rules.
 *
 * Everything here reads attacker-influenced CloudTrail data: values are type-checked before use, text shown to
 * people is cleaned and truncated, and identifiers that end up in remediation parameters are validated against
 * the formats AWS allows. Nothing here throws on odd input.
 */
import { NO_CONTEXT } from '../engine/context';
import type { CloudTrailRecord, DetectionContext, EventPattern, RemediationStep } from '../engine/types';
import { policyFingerprint } from '../remediator/policy-fingerprint';
import { cleanText } from '../shared/text';

/** Longest piece of event text interpolated into a summary. */
export const MAX_SUMMARY_VALUE = 128;

/** Items read from one array in a record; real requests are far below this, hostile ones are not. */
export const MAX_ITEMS = 1000;

// ---------------------------------------------------------------------------------------------------------------
// Safe field access
// ---------------------------------------------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[path[0]][path[1]]...` through plain objects only (own properties); `undefined` when any step is missing. */
export function field(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** A non-empty string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `field(...)` narrowed to a non-empty string. */
export function stringAt(value: unknown, ...path: string[]): string | undefined {
  return str(field(value, ...path));
}

/** A string field of `requestParameters`, which may be absent, `null` or of any shape. */
export function requestString(event: CloudTrailRecord, ...path: string[]): string | undefined {
  return stringAt(event, 'requestParameters', ...path);
}

/** A string field of `responseElements`. */
export function responseString(event: CloudTrailRecord, ...path: string[]): string | undefined {
  return stringAt(event, 'responseElements', ...path);
}

/** The elements of an array (at most `MAX_ITEMS`), a lone value as a one-element list, nothing otherwise. */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS);
  return value === undefined || value === null ? [] : [value];
}

/** CloudTrail's EC2 list shape `{ items: [...] }`, tolerating a bare array. */
export function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS);
  const inner = field(value, 'items');
  return Array.isArray(inner) ? inner.slice(0, MAX_ITEMS) : [];
}

/** A boolean that CloudTrail may log as `true`/`false` or, from some SDKs, as the strings. */
export function boolOf(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Text for people
// ---------------------------------------------------------------------------------------------------------------

/**
 * Event text made safe to show: control and bidi-override characters removed, whitespace collapsed, truncated.
 * Summaries go to email, chat and tickets, so a crafted resource name must not forge lines or reorder text.
 */
export function clean(value: unknown, max = MAX_SUMMARY_VALUE): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const text = cleanText(String(value), max);
  return text.length === 0 ? undefined : text;
}

/** `clean(value)` in quotes, or `fallback` when there is nothing to show. */
export function quoted(value: unknown, fallback = 'unknown'): string {
  const text = clean(value);
  return text === undefined ? fallback : `"${text}"`;
}

/** " from 203.0.113.7" or "". */
export function fromSource(event: CloudTrailRecord): string {
  const ip = clean(event.sourceIPAddress, 64);
  return ip === undefined ? '' : ` from ${ip}`;
}

/** " in us-east-1" or "". */
export function inRegion(event: CloudTrailRecord): string {
  const region = clean(event.awsRegion, 32);
  return region === undefined ? '' : ` in ${region}`;
}

/** " in account 123456789012" or "". */
export function inAccount(event: CloudTrailRecord): string {
  const account = clean(accountOf(event), 32);
  return account === undefined ? '' : ` in account ${account}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Who acted
// ---------------------------------------------------------------------------------------------------------------

export function identityType(event: CloudTrailRecord): string | undefined {
  return stringAt(event, 'userIdentity', 'type');
}

/** The account the event happened in. */
export function accountOf(event: CloudTrailRecord): string | undefined {
  return str(event.recipientAccountId) ?? stringAt(event, 'userIdentity', 'accountId');
}

/** The AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...), from the actor's ARN or else the region. */
export function partitionOf(event: CloudTrailRecord): string {
  const arn = stringAt(event, 'userIdentity', 'arn');
  const fromArn = arn === undefined ? undefined : /^arn:(aws(?:-[a-z]+)*):/.exec(arn)?.[1];
  if (fromArn !== undefined) return fromArn;
  const region = str(event.awsRegion) ?? '';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The last `/`-separated segment of an ARN's resource part (user name, role session name, ...). */
export function lastArnSegment(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const slash = arn.lastIndexOf('/');
  return slash < 0 ? undefined : str(arn.slice(slash + 1));
}

/** True when an AWS service, not a customer principal, made the call (directly or on a principal's behalf). */
export function isAwsServiceActor(event: CloudTrailRecord): boolean {
  return identityType(event) === 'AWSService' || field(event, 'userIdentity', 'invokedBy') !== undefined;
}

/**
 * True when the actor is an AWS service principal itself (`type: AWSService`). Narrower than `isAwsServiceActor`:
 * a call a service made with a customer principal's credentials (`invokedBy`, e.g. a CloudFormation stack) is
 * still that principal's change.
 */
export function isAwsServicePrincipal(event: CloudTrailRecord): boolean {
  return identityType(event) === 'AWSService';
}

/** The acting IAM user's name, for `IAMUser` identities only. */
export function actorUserName(event: CloudTrailRecord): string | undefined {
  if (identityType(event) !== 'IAMUser') return undefined;
  return (
    stringAt(event, 'userIdentity', 'userName') ?? lastArnSegment(stringAt(event, 'userIdentity', 'arn'))
  );
}

/** IAM user, group and role names are unique case-insensitively: `Alice` and `alice` are the same user. */
export function sameIamName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * True when an IAM call names a target user (`requestParameters.userName`) who is not the caller.
 * Only an `IAMUser` can act on itself. A role session cannot: its session name is chosen by whoever called
 * `AssumeRole`, so matching it against the target would let an attacker evade by naming the session after the
 * victim. AWS service principals are not customer actors and never count.
 */
export function actsOnAnotherUser(event: CloudTrailRecord): boolean {
  const target = requestString(event, 'userName');
  if (target === undefined) return false; // no userName: the caller acted on itself
  if (identityType(event) === 'AWSService') return false;
  const self = actorUserName(event);
  return self === undefined || !sameIamName(self, target);
}

/**
 * A short, clean description of the actor that starts a summary sentence, e.g. `IAM user alice`,
 * `Role Deploy (session ci-42)`, `The root user in account 111122223333`.
 */
export function actorLabel(event: CloudTrailRecord): string {
  const type = identityType(event);
  const arn = stringAt(event, 'userIdentity', 'arn');
  switch (type) {
    case 'IAMUser':
      return `IAM user ${clean(actorUserName(event)) ?? 'unknown'}`;
    case 'Root':
      return `The root user${inAccount(event)}`;
    case 'AssumedRole': {
      const role = clean(stringAt(event, 'userIdentity', 'sessionContext', 'sessionIssuer', 'userName'));
      const session = clean(lastArnSegment(arn), 64);
      if (role === undefined) return `Assumed role ${clean(arn) ?? 'unknown'}`;
      return session === undefined ? `Role ${role}` : `Role ${role} (session ${session})`;
    }
    case 'FederatedUser':
      return `Federated user ${clean(lastArnSegment(arn) ?? arn) ?? 'unknown'}`;
    case 'AWSService':
      return `AWS service ${clean(stringAt(event, 'userIdentity', 'invokedBy')) ?? 'unknown'}`;
    default: {
      const who = clean(arn) ?? clean(stringAt(event, 'userIdentity', 'principalId'));
      const kind = clean(type, 32);
      if (who !== undefined) return kind === undefined ? who : `${kind} ${who}`;
      return kind === undefined ? 'An unknown principal' : `An unidentified ${kind} principal`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Console sign-in
// ---------------------------------------------------------------------------------------------------------------

/** A failed console password sign-in. */
export const FAILED_CONSOLE_LOGIN: EventPattern = {
  eventSource: ['signin.amazonaws.com'],
  eventName: ['ConsoleLogin'],
  responseElements: { ConsoleLogin: ['Failure'] },
};

/** What CloudTrail writes instead of the user name when the name tried does not exist in the account. */
export const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** The source address as a counter key, or `undefined` when the event has none. */
export function sourceIpKey(event: CloudTrailRecord): string | undefined {
  const ip = typeof event.sourceIPAddress === 'string' ? event.sourceIPAddress.trim().toLowerCase() : '';
  return ip.length > 0 && ip.length <= 64 ? ip : undefined;
}

/** The user name a failed sign-in tried: `userName`, else the ARN's name, else `root` for root attempts. */
export function attemptedUserName(event: CloudTrailRecord): string | undefined {
  const name =
    stringAt(event, 'userIdentity', 'userName') ?? lastArnSegment(stringAt(event, 'userIdentity', 'arn'));
  if (name !== undefined) return name === HIDDEN_USER_NAME ? undefined : name;
  return identityType(event) === 'Root' ? 'root' : undefined;
}

/**
 * `<account>:<user>` as a counter key. IAM user names are case-insensitive, so the key is lower-cased. Attempts on
 * names that do not exist are hidden by CloudTrail and cannot be attributed to a user: they are not counted here
 * (the per-IP rule still counts them).
 */
export function attemptedUserKey(event: CloudTrailRecord): string | undefined {
  const name = attemptedUserName(event);
  if (name === undefined || name.length > 64) return undefined;
  const account = clean(accountOf(event), 32) ?? 'unknown-account';
  return `${account}:${name.toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Identifier validation (values that end up in remediation parameters)
// ---------------------------------------------------------------------------------------------------------------

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(user|role)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** Long-term IAM user keys start with AKIA; ASIA keys are temporary session credentials and cannot be disabled. */
const LONG_TERM_ACCESS_KEY = /^AKIA[A-Z0-9]{12,124}$/;
const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/;
const TRAIL_ARN =
  /^arn:aws(?:-[a-z]+)*:cloudtrail:([a-z0-9-]{1,32}):\d{12}:trail\/([A-Za-z0-9][A-Za-z0-9._-]{2,127})$/;
const REGION = /^[a-z0-9-]{1,32}$/;

export function isIamName(value: string | undefined): value is string {
  return value !== undefined && IAM_NAME.test(value);
}

export function isLongTermAccessKeyId(value: string | undefined): value is string {
  return value !== undefined && LONG_TERM_ACCESS_KEY.test(value);
}

/** Paths of roles IAM will not let customers modify: service-linked roles and IAM Identity Center roles. */
const UNMODIFIABLE_ROLE_PATHS = [':role/aws-service-role/', ':role/aws-reserved/'];

// ---------------------------------------------------------------------------------------------------------------
// Remediation steps
// ---------------------------------------------------------------------------------------------------------------

export interface QuarantineTarget {
  readonly principalType: 'user' | 'role';
  readonly principalName: string;
  readonly principalArn: string;
}

/**
 * The IAM identity to quarantine for the event's actor, or `undefined` when there is none we can safely act on:
 * - `IAMUser`: the user.
 * - `AssumedRole`: the role behind the session (`sessionContext.sessionIssuer`), unless it is a service-linked or
 *   IAM Identity Center role, which IAM refuses to modify (and which many people share).
 * - `FederatedUser` (`GetFederationToken`): the IAM user that minted the session; its policies bound the session.
 * - `Root`, `AWSService`, `AWSAccount`, `WebIdentityUser`, `SAMLUser`, anything else: nothing.
 */
export function actorQuarantineTarget(event: CloudTrailRecord): QuarantineTarget | undefined {
  switch (identityType(event)) {
    case 'IAMUser':
      return userTarget(actorUserName(event), stringAt(event, 'userIdentity', 'arn'));
    case 'AssumedRole': {
      const issuer = field(event, 'userIdentity', 'sessionContext', 'sessionIssuer');
      if (stringAt(issuer, 'type') !== 'Role') return undefined;
      const name = stringAt(issuer, 'userName');
      const arn = stringAt(issuer, 'arn');
      if (!isIamName(name) || arn === undefined || !IAM_PRINCIPAL_ARN.test(arn)) return undefined;
      if (!arn.includes(':role/') || !arn.endsWith(`/${name}`)) return undefined;
      if (UNMODIFIABLE_ROLE_PATHS.some((path) => arn.includes(path))) return undefined;
      return { principalType: 'role', principalName: name, principalArn: arn };
    }
    case 'FederatedUser': {
      const issuer = field(event, 'userIdentity', 'sessionContext', 'sessionIssuer');
      if (stringAt(issuer, 'type') !== 'IAMUser') return undefined;
      return userTarget(stringAt(issuer, 'userName'), stringAt(issuer, 'arn'));
    }
    default:
      return undefined;
  }
}

function userTarget(name: string | undefined, arn: string | undefined): QuarantineTarget | undefined {
  if (!isIamName(name) || arn === undefined || !IAM_PRINCIPAL_ARN.test(arn)) return undefined;
  if (!arn.includes(':user/') || !arn.endsWith(`/${name}`)) return undefined;
  return { principalType: 'user', principalName: name, principalArn: arn };
}

/**
 * A quarantine target for an IAM user named in the request (not the actor). The event does not carry the user's
 * path, so the ARN assumes the default path `/`; the remediator resolves the user by name before acting.
 */
export function namedUserTarget(
  event: CloudTrailRecord,
  name: string | undefined,
): QuarantineTarget | undefined {
  const account = accountOf(event);
  if (!isIamName(name) || account === undefined || !/^\d{12}$/.test(account)) return undefined;
  return {
    principalType: 'user',
    principalName: name,
    principalArn: `arn:${partitionOf(event)}:iam::${account}:user/${name}`,
  };
}

export function quarantineStep(target: QuarantineTarget, why: string): RemediationStep {
  return {
    action: 'iam.quarantine-principal',
    params: {
      principalType: target.principalType,
      principalName: target.principalName,
      principalArn: target.principalArn,
    },
    description: `Quarantine IAM ${target.principalType} ${target.principalName} (attach the deny-all quarantine policy): ${why}.`,
  };
}

/** Quarantine the actor, or nothing when the actor is root, an AWS service or an identity we cannot act on. */
export function quarantineActor(event: CloudTrailRecord, why: string): RemediationStep[] {
  const target = actorQuarantineTarget(event);
  return target === undefined ? [] : [quarantineStep(target, why)];
}

export function disableAccessKeyStep(userName: string, accessKeyId: string, why: string): RemediationStep {
  return {
    action: 'iam.disable-access-key',
    params: { userName, accessKeyId },
    description: `Deactivate access key ${accessKeyId} of IAM user ${userName}: ${why}.`,
  };
}

/**
 * Deactivate the long-term access key the actor signed the request with, when the actor is an IAM user using one.
 * Console sessions and `GetSessionToken` credentials use temporary ASIA keys, which cannot be deactivated.
 */
export function disableActorAccessKey(event: CloudTrailRecord, why: string): RemediationStep[] {
  if (identityType(event) !== 'IAMUser') return [];
  const userName = actorUserName(event);
  const accessKeyId = stringAt(event, 'userIdentity', 'accessKeyId');
  if (!isIamName(userName) || !isLongTermAccessKeyId(accessKeyId)) return [];
  return [disableAccessKeyStep(userName, accessKeyId, why)];
}

/**
 * Restart logging on the trail named in the request. A trail ARN carries the trail's home region, which is where
 * `StartLogging` must be called; a bare name is taken to live in the event's region (a successful `StopLogging`
 * is only accepted in the trail's home region).
 */
export function startLoggingStep(event: CloudTrailRecord): RemediationStep[] {
  const trail = requestString(event, 'name');
  if (trail === undefined) return [];
  const arn = TRAIL_ARN.exec(trail);
  const region = arn?.[1] ?? str(event.awsRegion);
  if (region === undefined || !REGION.test(region)) return [];
  if (arn === null && !TRAIL_NAME.test(trail)) return [];
  return [
    {
      action: 'cloudtrail.start-logging',
      params: { trail, region },
      description: `Start logging on CloudTrail trail ${arn?.[2] ?? trail} in ${region}.`,
    },
  ];
}

/** For rules that alert only. */
export function noRemediation(): RemediationStep[] {
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// Sharing and human actors (infrastructure rules)
// ---------------------------------------------------------------------------------------------------------------

export function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{12}$/.test(value);
}

/**
 * Who a share reaches beyond the event's own account: `all` (public) and 12-digit account ids other than the
 * account the event happened in and the operator's trusted accounts (`context/trusted-accounts`), deduplicated,
 * `all` first. Which other accounts are partners cannot be known from one event, so every other account counts.
 * Values that are neither (`bob`, org ARNs, `*`) are left out.
 */
export function externalShareTargets(
  event: CloudTrailRecord,
  values: readonly unknown[],
  context: DetectionContext = NO_CONTEXT,
): string[] {
  const own = accountOf(event);
  const found = new Set<string>();
  for (const value of values.slice(0, MAX_ITEMS)) {
    if (typeof value !== 'string') continue;
    const text = value.trim();
    if (text.toLowerCase() === 'all') found.add('all');
    else if (isAccountId(text) && text !== own && !context.trustedAccounts.has(text)) found.add(text);
  }
  return [...found].sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b)));
}

/**
 * Who an EC2 `Modify*Attribute` request newly shares with beyond its own account: `all` for `{group: "all"}` and
 * other accounts' ids for `{userId}`, from `requestParameters.<permission>.add.items` (`createVolumePermission`
 * for snapshots, `launchPermission` for images). Removals, and calls made by AWS services, count for nothing.
 */
export function addedShareTargets(
  event: CloudTrailRecord,
  permission: string,
  context: DetectionContext = NO_CONTEXT,
): string[] {
  if (isAwsServiceActor(event)) return [];
  const added = items(field(field(event, 'requestParameters', permission), 'add')).flatMap((item) => [
    field(item, 'group'),
    field(item, 'userId'),
  ]);
  return externalShareTargets(event, added, context);
}

/** "publicly", "with account 111122223333", "publicly and with accounts 1..., 2..." for summaries. */
export function describeShareTargets(targets: readonly string[]): string {
  const accounts = targets.filter((t) => t !== 'all');
  const parts: string[] = [];
  if (targets.includes('all')) parts.push('publicly');
  if (accounts.length > 0) {
    const shown = accounts.slice(0, 3).join(', ');
    const more = accounts.length > 3 ? ` and ${accounts.length - 3} more` : '';
    parts.push(`with account${accounts.length > 1 ? 's' : ''} ${shown}${more}`);
  }
  return parts.length === 0 ? 'with another account' : parts.join(' and ');
}

/**
 * A heuristic for "a person made this call", used where automation doing the same is routine (Lambda code and
 * layer deployments). Counted as human: IAM users, the root user, federated users (`GetFederationToken`), and
 * role sessions of IAM Identity Center (`AWSReservedSSO_*` roles, path `aws-reserved/sso.amazonaws.com`), SAML
 * (`SAMLUser`) or web-identity users. Not human: AWS services and calls made on a principal's behalf by a
 * service (`invokedBy`, e.g. CloudFormation), and sessions of ordinary IAM roles, which is how CI/CD deploys.
 * The user agent is never consulted: the caller chooses it, so an attacker would simply claim to be Terraform.
 */
export function isHumanActor(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  switch (identityType(event)) {
    case 'IAMUser':
    case 'Root':
    case 'FederatedUser':
    case 'SAMLUser':
    case 'WebIdentityUser':
      return true;
    case 'AssumedRole': {
      const issuer = field(event, 'userIdentity', 'sessionContext', 'sessionIssuer');
      const name = stringAt(issuer, 'userName') ?? '';
      const arn = stringAt(issuer, 'arn') ?? '';
      return name.startsWith('AWSReservedSSO_') || arn.includes(':role/aws-reserved/sso.amazonaws.com/');
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Remediation steps: revert the offending change, revoke sessions, un-share (see lambdas/remediator/actions)
// ---------------------------------------------------------------------------------------------------------------

/** Steps one event may plan for each rule created or shared; more is a hostile event, not a real request. */
export const MAX_STEPS_PER_KIND = 20;

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ADMINISTRATOR_ACCESS_ARN = /^arn:aws(?:-[a-z]+)*:iam::aws:policy\/AdministratorAccess$/;

/** The event's region, when it is a well-formed AWS region name. */
export function regionOf(event: CloudTrailRecord): string | undefined {
  const region = str(event.awsRegion);
  return region !== undefined && AWS_REGION.test(region) ? region : undefined;
}

export function revokeRoleSessionsStep(roleName: string, why: string): RemediationStep {
  return {
    action: 'iam.revoke-role-sessions',
    params: { roleName },
    description: `Revoke every session of IAM role ${roleName} issued until now (deny by aws:TokenIssueTime): ${why}.`,
  };
}

/**
 * Revoke the sessions of the role behind an assumed-role actor. Temporary credentials cannot be deactivated like an
 * access key; denying everything issued before now kills the stolen session while letting the workload assume the
 * role again. Same targets as {@link actorQuarantineTarget}: nothing for users, root, services, SSO roles.
 */
export function revokeActorSessions(event: CloudTrailRecord, why: string): RemediationStep[] {
  if (identityType(event) !== 'AssumedRole') return [];
  const target = actorQuarantineTarget(event);
  return target?.principalType === 'role' ? [revokeRoleSessionsStep(target.principalName, why)] : [];
}

/** Delete a user's console password. The action is irreversible and off unless an operator enables it. */
export function deleteLoginProfileStep(userName: string, why: string): RemediationStep {
  return {
    action: 'iam.delete-login-profile',
    params: { userName },
    description: `Delete the console password of IAM user ${userName} (irreversible; runs only if enabled): ${why}.`,
  };
}

/**
 * Revert an `Attach{User,Role,Group}Policy` of AdministratorAccess: detach it from the principal that received it.
 * Nothing for inline policies (the document is not kept; the runbook covers it) or any other policy.
 */
export function detachAdminPolicySteps(event: CloudTrailRecord): RemediationStep[] {
  const policyArn = requestString(event, 'policyArn');
  if (policyArn === undefined || !ADMINISTRATOR_ACCESS_ARN.test(policyArn)) return [];
  const kind = { AttachUserPolicy: 'user', AttachRolePolicy: 'role', AttachGroupPolicy: 'group' }[
    event.eventName
  ];
  const name = requestString(event, kind === undefined ? '' : `${kind}Name`);
  if (kind === undefined || !isIamName(name)) return [];
  return [
    {
      action: 'iam.detach-admin-policy',
      params: { principalType: kind, principalName: name, policyArn },
      description: `Detach AdministratorAccess from IAM ${kind} ${name} (revert the grant).`,
    },
  ];
}

/**
 * Restore the trust policy a role had before an `UpdateAssumeRolePolicy`. The step carries the fingerprint of the
 * document the call set, so the remediator acts only while the role still has exactly it, and the event's id and
 * time, so it can find the previous document in the CloudTrail event history (IAM events are in us-east-1).
 */
export function restoreTrustPolicySteps(event: CloudTrailRecord): RemediationStep[] {
  if (event.eventName !== 'UpdateAssumeRolePolicy') return [];
  const roleName = requestString(event, 'roleName');
  const fingerprint = policyFingerprint(field(event, 'requestParameters', 'policyDocument'));
  const eventId = str(event.eventID);
  const eventTime = str(event.eventTime);
  if (!isIamName(roleName) || fingerprint === undefined || eventId === undefined || eventTime === undefined)
    return [];
  if (
    !/^[A-Za-z0-9-]{1,128}$/.test(eventId) ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(eventTime)
  ) {
    return [];
  }
  return [
    {
      action: 'iam.restore-role-trust-policy',
      params: {
        roleName,
        policyFingerprint: fingerprint,
        eventId,
        eventTime,
        region: regionOf(event) ?? 'us-east-1',
      },
      description: `Restore the trust policy IAM role ${roleName} had before this change (from the CloudTrail history).`,
    },
  ];
}

export function revokeIngressRuleStep(
  groupId: string,
  ruleId: string,
  region: string,
  what: string,
): RemediationStep {
  return {
    action: 'ec2.revoke-security-group-ingress',
    params: { groupId, ruleId, region },
    description: `Revoke ingress rule ${ruleId} (${what}) of security group ${groupId}; the group's other rules stay.`,
  };
}

/** Re-apply S3 Block Public Access on the bucket of a `Delete`/`PutBucketPublicAccessBlock` event. */
export function putPublicAccessBlockSteps(event: CloudTrailRecord): RemediationStep[] {
  if (
    event.eventName !== 'DeleteBucketPublicAccessBlock' &&
    event.eventName !== 'PutBucketPublicAccessBlock'
  ) {
    return [];
  }
  const bucket = requestString(event, 'bucketName');
  const region = regionOf(event);
  if (bucket === undefined || region === undefined || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    return [];
  return [
    {
      action: 's3.put-public-access-block',
      params: { bucket, region },
      description: `Turn all four S3 Block Public Access flags back on for bucket ${bucket}.`,
    },
  ];
}

/** `targets` as {@link externalShareTargets} returns them: `all` and account ids, at most 100. */
function shareParam(targets: readonly string[]): string | undefined {
  const valid = targets.filter((t) => t === 'all' || isAccountId(t)).slice(0, 100);
  return valid.length === 0 ? undefined : valid.join(',');
}

export function unshareSnapshotSteps(
  snapshotId: string,
  region: string,
  targets: readonly string[],
): RemediationStep[] {
  const sharedWith = shareParam(targets);
  if (sharedWith === undefined || !/^snap-[0-9a-f]{8,17}$/.test(snapshotId) || !AWS_REGION.test(region))
    return [];
  return [
    {
      action: 'ec2.unshare-snapshot',
      params: { snapshotId, region, sharedWith },
      description: `Stop sharing EBS snapshot ${snapshotId} ${describeShareTargets(targets)}.`,
    },
  ];
}

export function unshareImageSteps(
  imageId: string,
  region: string,
  targets: readonly string[],
): RemediationStep[] {
  const sharedWith = shareParam(targets);
  if (sharedWith === undefined || !/^ami-[0-9a-f]{8,17}$/.test(imageId) || !AWS_REGION.test(region))
    return [];
  return [
    {
      action: 'ec2.unshare-image',
      params: { imageId, region, sharedWith },
      description: `Stop sharing AMI ${imageId} ${describeShareTargets(targets)}.`,
    },
  ];
}

export function unshareDbSnapshotSteps(
  snapshotIdentifier: string,
  snapshotType: 'instance' | 'cluster',
  region: string,
  targets: readonly string[],
): RemediationStep[] {
  const sharedWith = shareParam(targets);
  if (
    sharedWith === undefined ||
    !/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}$/.test(snapshotIdentifier) ||
    !AWS_REGION.test(region)
  ) {
    return [];
  }
  return [
    {
      action: 'rds.unshare-snapshot',
      params: { snapshotIdentifier, snapshotType, region, sharedWith },
      description: `Stop sharing RDS ${snapshotType === 'cluster' ? 'cluster ' : ''}snapshot ${snapshotIdentifier} ${describeShareTargets(targets)}.`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Identity and credential rules
// ---------------------------------------------------------------------------------------------------------------

/** The acting principal as a counter key: its ARN (for roles, the session ARN), else `<account>:<principalId>`. */
export function principalKey(event: CloudTrailRecord): string | undefined {
  const arn = stringAt(event, 'userIdentity', 'arn');
  const id = stringAt(event, 'userIdentity', 'principalId');
  const key =
    arn ??
    (id === undefined
      ? undefined
      : `${stringAt(event, 'userIdentity', 'accountId') ?? 'unknown-account'}:${id}`);
  return key !== undefined && key.length <= 1024 ? key : undefined;
}

/**
 * `principalKey`, or `unknown principal` for a record that names nobody (real CloudTrail always names someone), so
 * that such records still count towards a per-principal threshold instead of silently not counting.
 */
export function principalGroup(event: CloudTrailRecord): string {
  return principalKey(event) ?? 'unknown principal';
}

/** AWS writes a service's host name (or `AWS Internal`) as the source address when a service made the call. */
export function isAwsServiceSource(event: CloudTrailRecord): boolean {
  const source = typeof event.sourceIPAddress === 'string' ? event.sourceIPAddress.trim().toLowerCase() : '';
  return source === 'aws internal' || source.endsWith('.amazonaws.com');
}

/** The user agent (at most 2,048 characters), or `''`. Attacker-chosen: a match on it is a hint, never proof. */
export function userAgentOf(event: CloudTrailRecord): string {
  return typeof event.userAgent === 'string' ? event.userAgent.slice(0, 2048) : '';
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isPublicIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  if (m === null) return false;
  const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if ([a, b, c, d].some((n) => n > 255)) return false;
  return !(
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 || // multicast and reserved: never the source of a request
    (a === 100 && b >= 64 && b <= 127) || // shared address space (carrier-grade NAT)
    (a === 169 && b === 254) || // link-local
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) // benchmarking
  );
}

/**
 * True when `value` is a literal IPv4 or IPv6 address that can belong to a host on the internet: not private
 * (RFC 1918, IPv6 unique-local), shared (100.64.0.0/10), loopback, link-local, multicast or reserved. CloudTrail
 * shows a private address for calls through a VPC endpoint, and a host name or `AWS Internal` for calls made by
 * AWS services; neither is public.
 */
export function isPublicIpAddress(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64) return false;
  const text = value.trim().toLowerCase();
  if (text.includes('.') && !text.includes(':')) return isPublicIpv4(text);
  if (!/^[0-9a-f:.]+$/.test(text) || (text.match(/:/g) ?? []).length < 2) return false;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped?.[1] !== undefined) return isPublicIpv4(mapped[1]);
  if (text === '::' || text === '::1') return false;
  // fc00::/7 unique-local, fe80::/10 link-local, ff00::/8 multicast.
  return !/^(f[cd][0-9a-f]{0,2}:|fe[89ab][0-9a-f]?:|ff[0-9a-f]{0,2}:)/.test(text);
}

/**
 * Revoke the sessions of the role behind an assumed-role actor (`iam.revoke-role-sessions`: a deny on credentials
 * issued before now). Temporary credentials cannot be deactivated like an access key; this is how they stop. Only
 * for roles that `actorQuarantineTarget` accepts (never service-linked or Identity Center roles).
 */
export function revokeActorRoleSessions(event: CloudTrailRecord, why: string): RemediationStep[] {
  const target = actorQuarantineTarget(event);
  if (target?.principalType !== 'role') return [];
  return [
    {
      action: 'iam.revoke-role-sessions',
      params: { roleName: target.principalName },
      description: `Revoke every session of IAM role ${target.principalName} issued until now: ${why}.`,
    },
  ];
}
