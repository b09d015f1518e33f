import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  disableActorAccessKey,
  field,
  fromSource,
  isAwsServicePrincipal,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';
import { grantsAdmin } from '../policy-document';

/** A new default version whose document allows every action on every resource. */
export function isAdminDefaultVersion(event: CloudTrailRecord): boolean {
  return (
    boolOf(field(event, 'requestParameters', 'setAsDefault')) === true &&
    grantsAdmin(field(event, 'requestParameters', 'policyDocument'))
  );
}

export const rule: Rule = {
  id: 'iam.admin-policy-version-created',
  title: 'Managed policy rewritten to grant administrator access',
  description:
    'A successful `CreatePolicyVersion` made a new default version (`setAsDefault: true`) of a customer managed ' +
    'policy that allows every action on every resource (`Action: "*"` or any `NotAction`, on `Resource: "*"` or ' +
    'any `NotResource`; conditions ignored, `Deny` never counts). Every user, group and role the policy is ' +
    'attached to becomes an administrator at once, and nothing is attached, so attach-based detections stay ' +
    'silent: a classic privilege escalation (`iam:CreatePolicyVersion`). A version created without ' +
    '`setAsDefault` is inert until `SetDefaultPolicyVersion` (see `iam.policy-default-version-changed`).',
  severity: 'high',
  attack: ['T1098.003', 'T1484'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['CreatePolicyVersion'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event) && isAdminDefaultVersion(event),
  summarize: (event) =>
    `${actorLabel(event)} made an administrator-access version the default of managed policy ` +
    `${quoted(requestString(event, 'policyArn'))}${fromSource(event)}.`,
  remediation: (event) => [
    ...quarantineActor(event, 'it rewrote a managed policy to grant administrator access'),
    ...disableActorAccessKey(event, 'its holder rewrote a managed policy to grant administrator access'),
  ],
  defaultMode: 'alert',
  runbook:
    'A customer managed policy now grants full administrator access to everything it is attached to. Find out ' +
    'what it is attached to (`aws iam list-entities-for-policy --policy-arn …`): if the actor itself is among ' +
    'them, this is self-escalation. Compare with the previous default version (`aws iam list-policy-versions`, ' +
    '`get-policy-version`) and check whether the change came from the usual deployment pipeline. Respond: make the ' +
    'previous version the default again (`aws iam set-default-policy-version`), delete the admin version, and if ' +
    'nobody planned the change, quarantine the actor (TrailGuard’s plan: the deny-all policy, then deactivate its ' +
    'key) and review what the policy’s principals did since.',
  falsePositives: [
    'Infrastructure-as-code deliberately managing an administrator policy for a break-glass or platform role.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
