import type { CloudTrailRecord, RemediationStep, Rule } from '../../engine/types';
import {
  accountOf,
  actorLabel,
  clean,
  disableAccessKeyStep,
  field,
  fromSource,
  isAwsServicePrincipal,
  isIamName,
  isLongTermAccessKeyId,
  namedUserTarget,
  principalKey,
  quarantineStep,
  quoted,
  requestString,
  responseString,
} from '../helpers';
import { grantsAdmin } from '../policy-document';
import { isAdminGrant } from './admin-policy-attached';

/** Second steps: each hands a usable credential or admin rights to the new user. */
const SECOND_STEPS = ['CreateAccessKey', 'CreateLoginProfile', 'AttachUserPolicy', 'PutUserPolicy'];

/**
 * `<actor>|<account>|<user>`: the same principal (for roles, the same session) acting on the same user name.
 * IAM user names are case-insensitive, so the name is lower-cased.
 */
function chainKey(event: CloudTrailRecord): string | undefined {
  if (isAwsServicePrincipal(event)) return undefined;
  const actor = principalKey(event);
  const user = requestString(event, 'userName');
  if (actor === undefined || !isIamName(user)) return undefined;
  return `${actor}|${accountOf(event) ?? 'unknown-account'}|${user.toLowerCase()}`;
}

/** A second step that arms the user: a key or password, or administrator access (managed or inline). */
function armsUser(event: CloudTrailRecord): boolean {
  switch (event.eventName) {
    case 'CreateAccessKey':
    case 'CreateLoginProfile':
      return true;
    case 'AttachUserPolicy':
      return isAdminGrant(event);
    case 'PutUserPolicy':
      return grantsAdmin(field(event, 'requestParameters', 'policyDocument'));
    default:
      return false;
  }
}

const STEP_TEXT: Record<string, string> = {
  CreateUser: 'created IAM user',
  CreateAccessKey: 'created an access key for',
  CreateLoginProfile: 'set a console password for',
  AttachUserPolicy: 'attached AdministratorAccess to',
  PutUserPolicy: 'put an admin inline policy on',
};

/**
 * Contain the new user, whichever step completed the chain: quarantine it (reversible), and when the completing
 * step created an access key, deactivate that key too. The actor is not touched: creating users is routine work
 * for administrators, so the actor's fate is a decision for a person.
 */
function plan(event: CloudTrailRecord): RemediationStep[] {
  const user = requestString(event, 'userName');
  const target = namedUserTarget(event, user);
  if (target === undefined) return [];
  const steps = [quarantineStep(target, 'it was created and armed in one sequence by the same principal')];
  const key = responseString(event, 'accessKey', 'accessKeyId');
  if (event.eventName === 'CreateAccessKey' && isLongTermAccessKeyId(key)) {
    steps.push(disableAccessKeyStep(target.principalName, key, 'it was created for a just-created user'));
  }
  return steps;
}

export const rule: Rule = {
  id: 'iam.backdoor-user-chain',
  title: 'New IAM user created and armed by the same principal',
  description:
    'Sequence: a successful `CreateUser`, then, by the same principal (same user, or same role session) within ' +
    'an hour, a successful call that arms that user: `CreateAccessKey` or `CreateLoginProfile` for it, ' +
    '`AttachUserPolicy` with AdministratorAccess, or `PutUserPolicy` with an inline policy allowing everything. ' +
    'This is the backdoor-user pattern (Stratus `iam-create-admin-user`): any one step is routine, the chain ' +
    'within minutes by one principal is not. User names are compared case-insensitively. Calls by AWS service ' +
    'principals are excluded; steps made through CloudFormation (`invokedBy`) count. The finding is raised by whichever step completes the chain.',
  severity: 'high',
  attack: ['T1136.003', 'T1098.001'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: SECOND_STEPS,
    errorCode: [{ exists: false }],
    requestParameters: { userName: [{ exists: true }] },
  },
  predicate: armsUser,
  sequence: {
    firstLabel: 'CreateUser',
    first: {
      eventSource: ['iam.amazonaws.com'],
      eventName: ['CreateUser'],
      errorCode: [{ exists: false }],
    },
    keyOfFirst: chainKey,
    keyOfSecond: chainKey,
    withinSeconds: 3600,
  },
  summarize: (event) =>
    `${actorLabel(event)} ${STEP_TEXT[event.eventName] ?? `called ${clean(event.eventName, 64) ?? 'IAM'} on`} ` +
    `${event.eventName === 'CreateUser' ? '' : 'new IAM user '}${quoted(requestString(event, 'userName'))}` +
    `${event.eventName === 'CreateUser' ? ', which it had already armed' : ' it had just created'}${fromSource(event)}.`,
  remediation: plan,
  defaultMode: 'alert',
  runbook:
    'One principal created an IAM user and, within the hour, gave it a way in (access key, console password) or ' +
    'full control. That is how attackers leave a backdoor that survives the loss of the credentials they came in ' +
    'with, and also what onboarding scripts do. Check the actor: is it the identity team’s automation or an ' +
    'administrator following a ticket? Check the new user: its name, tags, path, groups and policies (`aws iam ' +
    'get-user`, `list-attached-user-policies`, `list-groups-for-user`). Look for use of the new credentials ' +
    '(events with `userIdentity.userName` equal to the new user). Respond if not expected: quarantine the new ' +
    'user and deactivate its keys (TrailGuard’s plan), delete its login profile, then delete the user once the ' +
    'investigation is done, and treat the actor as compromised.',
  falsePositives: [
    'Onboarding automation or administrators creating service users with keys (prefer roles; tag and document them).',
    'Infrastructure-as-code stacks that create a user and its access key together.',
  ],
  stratus: ['aws.persistence.iam-create-admin-user'],
  references: { panther: [], sigma: [] },
};
