import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, RemediationStep, Rule } from '../../engine/types';
import { policyFingerprint } from '../../remediator/policy-fingerprint';
import {
  accountOf,
  actorLabel,
  asList,
  field,
  fromSource,
  isAccountId,
  isAwsServicePrincipal,
  isIamName,
  isRecord,
  partitionOf,
  quarantineStep,
  quoted,
  requestString,
  str,
} from '../helpers';
import {
  externalPrincipalAccounts,
  isPublicStatement,
  parsePolicyDocument,
  statementsOf,
} from '../policy-document';

/** The trust policy the call set: `policyDocument` for UpdateAssumeRolePolicy, `assumeRolePolicyDocument` for CreateRole. */
function trustDocument(event: CloudTrailRecord): unknown {
  return field(
    event,
    'requestParameters',
    event.eventName === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument',
  );
}

/** `*`, `sts:*`, `sts:AssumeRole*`-style patterns: does the (possibly wildcarded) action cover `action`? */
function coversAction(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string' || pattern.length > 256) return false;
  const regex = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

/** An `Allow` statement that grants `action` (any `NotAction` counts: allow-all-but is an allow). */
function allows(statement: Record<string, unknown>, action: string): boolean {
  const effect = field(statement, 'Effect');
  if (typeof effect !== 'string' || effect.toLowerCase() !== 'allow') return false;
  if (field(statement, 'NotAction') !== undefined) return true;
  return asList(field(statement, 'Action')).some((a) => coversAction(a, action));
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com';

/**
 * A condition on the GitHub token's `sub` claim that names something narrower than "any repository": a positive
 * string operator (not `...IfExists`, not `ForAllValues:`), with values that do not start with a wildcard or
 * `repo:*`.
 */
function pinsGithubSubject(statement: Record<string, unknown>): boolean {
  const condition = field(statement, 'Condition');
  if (!isRecord(condition)) return false;
  return Object.entries(condition).some(([operator, block]) => {
    const op = operator.toLowerCase().replace(/^foranyvalue:/, '');
    if (!/^string(equals|like)(ignorecase)?$/.test(op) || !isRecord(block)) return false;
    return Object.entries(block).some(([key, values]) => {
      if (key.toLowerCase() !== `${GITHUB_OIDC}:sub`) return false;
      const list = asList(values);
      return (
        list.length > 0 &&
        list.every((v) => typeof v === 'string' && v.trim().length > 0 && !/^(\*|repo:\*)/i.test(v.trim()))
      );
    });
  });
}

/** Who, beyond the account itself, the trust policy lets in: `anyone`, `any GitHub Actions workflow`, `account N`. */
export function outsideTrust(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): string[] {
  const policy = parsePolicyDocument(trustDocument(event));
  if (policy === undefined) return [];
  const own = accountOf(event);
  const found = new Set<string>();
  for (const statement of statementsOf(policy)) {
    if (allows(statement, 'sts:AssumeRole') && isPublicStatement(statement)) found.add('anyone');
    if (allows(statement, 'sts:AssumeRole')) {
      for (const account of externalPrincipalAccounts(statement, own, context.trustedAccounts))
        found.add(`account ${account}`);
    }
    const githubTrusted = asList(field(field(statement, 'Principal'), 'Federated')).some(
      (v) => typeof v === 'string' && v.endsWith(`:oidc-provider/${GITHUB_OIDC}`),
    );
    if (
      githubTrusted &&
      allows(statement, 'sts:AssumeRoleWithWebIdentity') &&
      !pinsGithubSubject(statement)
    ) {
      found.add('any GitHub Actions workflow');
    }
  }
  return [...found].sort((a, b) => (a === 'anyone' ? -1 : b === 'anyone' ? 1 : a.localeCompare(b)));
}

function describeOutsiders(outsiders: readonly string[]): string {
  const shown = outsiders.slice(0, 3).join(', ');
  return outsiders.length > 3 ? `${shown} and ${outsiders.length - 3} more` : shown;
}

/** CloudTrail keeps IAM's events in its event history in this region of each partition. */
const IAM_HISTORY_REGION: Record<string, string> = {
  aws: 'us-east-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-cn': 'cn-north-1',
};
const EVENT_ID = /^[A-Za-z0-9-]{1,128}$/;
const EVENT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const ROLE_PATH = /^\/(?:[\w+=,.@-]+\/){0,16}$/;

/**
 * UpdateAssumeRolePolicy: put back the trust policy the role had before (from the CloudTrail event history, only
 * while the role still has exactly the document this call set), then revoke sessions issued until now, which is
 * how an outsider who already assumed the role loses it. CreateRole: there is no earlier policy; quarantine the
 * new role instead. Every step is reversible.
 */
function plan(event: CloudTrailRecord): RemediationStep[] {
  const roleName = requestString(event, 'roleName');
  if (!isIamName(roleName)) return [];
  if (event.eventName === 'CreateRole') {
    const account = accountOf(event);
    if (!isAccountId(account)) return [];
    const path = requestString(event, 'path') ?? '/';
    const arn = `arn:${partitionOf(event)}:iam::${account}:role${ROLE_PATH.test(path) ? path : '/'}${roleName}`;
    return [
      quarantineStep(
        { principalType: 'role', principalName: roleName, principalArn: arn },
        'it was created trusting principals outside the account',
      ),
    ];
  }
  const fingerprint = policyFingerprint(trustDocument(event));
  const region = IAM_HISTORY_REGION[partitionOf(event)];
  const eventId = str(event.eventID);
  const eventTime = str(event.eventTime);
  if (fingerprint === undefined || region === undefined) return [];
  if (
    eventId === undefined ||
    !EVENT_ID.test(eventId) ||
    eventTime === undefined ||
    !EVENT_TIME.test(eventTime)
  )
    return [];
  return [
    {
      action: 'iam.restore-role-trust-policy',
      params: { roleName, policyFingerprint: fingerprint, eventId, eventTime, region },
      description: `Restore the trust policy IAM role ${roleName} had before this change (from the CloudTrail event history).`,
    },
    {
      action: 'iam.revoke-role-sessions',
      params: { roleName },
      description: `Revoke every session of IAM role ${roleName} issued until now: outsiders may already have assumed it.`,
    },
  ];
}

export const rule: Rule = {
  id: 'iam.role-trust-opened',
  title: 'Role trust policy opened to outsiders',
  description:
    'A successful `UpdateAssumeRolePolicy` or `CreateRole` set a trust policy that lets principals outside the ' +
    'account assume the role: `Principal: "*"` (or `AWS: "*"`, or any `NotPrincipal`) without a condition pinning ' +
    'known callers or networks (`sts:ExternalId` does not count: anyone can send one), an AWS principal in ' +
    'another 12-digit account (its root, a user, a role or a bare account id), or the GitHub Actions OIDC provider ' +
    'without a `token.actions.githubusercontent.com:sub` condition naming a repository, which lets any workflow on ' +
    'GitHub assume the role. Only statements that allow `sts:AssumeRole` (or `sts:AssumeRoleWithWebIdentity` for ' +
    'GitHub), directly or through a wildcard or `NotAction`, count. Trust policies are read as JSON or URL-encoded ' +
    'JSON; a document that cannot be read does not match. Accounts listed in `context/trusted-accounts` (your ' +
    'organization, known partners) do not count; every other account does, since one event cannot tell a ' +
    'partner from a stranger.',
  severity: 'high',
  attack: ['T1098.003', 'T1078.004'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['UpdateAssumeRolePolicy', 'CreateRole'],
    errorCode: [{ exists: false }],
  },
  predicate: (event, context) => !isAwsServicePrincipal(event) && outsideTrust(event, context).length > 0,
  summarize: (event, context) => {
    const role = quoted(requestString(event, 'roleName'));
    const verb =
      event.eventName === 'CreateRole'
        ? `created IAM role ${role}`
        : `changed the trust policy of IAM role ${role}`;
    return `${actorLabel(event)} ${verb} so that ${describeOutsiders(outsideTrust(event, context))} can assume it${fromSource(event)}.`;
  },
  remediation: plan,
  defaultMode: 'alert',
  runbook:
    'A role can now be assumed from outside the account. Attackers use this for persistence that survives ' +
    'password resets and key rotation: they trust their own account and assume the role whenever they like. Check ' +
    'the principals the summary names: is the outside account a known partner or vendor (many SaaS integrations ' +
    'ask for a role trusting their account, always with an `sts:ExternalId`), and was the change made through the ' +
    'usual pipeline? A `*` principal or an unscoped GitHub trust is never right. Investigate what the role can do ' +
    '(its attached and inline policies) and whether it was assumed from outside since (`AssumeRole` events in ' +
    'CloudTrail with this role ARN, `userIdentity.accountId` of another account). Respond: restore the previous ' +
    'trust policy (TrailGuard plans it from the CloudTrail event history, only while the role still has the ' +
    'offending document) and revoke existing sessions, or for a new role quarantine it and delete it once reviewed; ' +
    'then treat the actor as compromised if nobody planned the change.',
  falsePositives: [
    'Third-party integrations (monitoring, security, cost tools) that require a role trusting their account.',
    'Cross-account roles between accounts of the same organization: TrailGuard cannot tell siblings from strangers.',
  ],
  stratus: ['aws.persistence.iam-backdoor-role', 'aws.persistence.iam-create-backdoor-role'],
  references: {
    panther: ['AWS.IAM.BackdoorRole'],
    sigma: [],
  },
};
