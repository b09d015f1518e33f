import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  detachAdminPolicySteps,
  disableActorAccessKey,
  field,
  fromSource,
  identityType,
  quarantineActor,
  quoted,
  requestString,
  revokeActorSessions,
} from '../helpers';
import { grantsAdmin } from '../policy-document';

const ATTACH = ['AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy'];
const PUT_INLINE = ['PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy'];

/** The AWS managed AdministratorAccess policy, in any partition. */
const ADMINISTRATOR_ACCESS = /^arn:aws(?:-[a-z]+)*:iam::aws:policy\/AdministratorAccess$/;

export function isAdminGrant(event: CloudTrailRecord): boolean {
  if (ATTACH.includes(event.eventName)) {
    const policyArn = requestString(event, 'policyArn');
    return policyArn !== undefined && ADMINISTRATOR_ACCESS.test(policyArn);
  }
  if (PUT_INLINE.includes(event.eventName)) {
    return grantsAdmin(field(event, 'requestParameters', 'policyDocument'));
  }
  return false;
}

/** `IAM role "x"` / `IAM user "x"` / `IAM group "x"` for the principal that received the policy. */
function grantee(event: CloudTrailRecord): string {
  const user = requestString(event, 'userName');
  if (user !== undefined) return `IAM user ${quoted(user)}`;
  const role = requestString(event, 'roleName');
  if (role !== undefined) return `IAM role ${quoted(role)}`;
  const group = requestString(event, 'groupName');
  if (group !== undefined) return `IAM group ${quoted(group)}`;
  return 'an unknown IAM principal';
}

export const rule: Rule = {
  id: 'iam.admin-policy-attached',
  title: 'Administrator access granted',
  description:
    'A successful IAM call granted full administrator access: the AWS managed `AdministratorAccess` policy ' +
    'attached to a user, role or group (any partition), or an inline policy put on one that allows every action ' +
    '(`Action: "*"` or any `NotAction`) on every resource (`Resource: "*"` or any `NotResource`). Policy documents ' +
    'are read as JSON or URL-encoded JSON, with `Statement`, `Action` and `Resource` as a single value or a list; ' +
    'conditions are ignored and `Deny` statements never count. A document that cannot be read does not match. ' +
    'Not covered: customer managed policies with admin content (their document is in `CreatePolicy` / ' +
    '`CreatePolicyVersion`, not in the attach call) and narrower but escalation-capable grants such as `iam:*`.',
  severity: 'critical',
  attack: ['T1098.003'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: [...ATTACH, ...PUT_INLINE],
    errorCode: [{ exists: false }],
  },
  predicate: isAdminGrant,
  summarize: (event) => {
    const how = ATTACH.includes(event.eventName)
      ? 'attached AdministratorAccess to'
      : `put an admin inline policy ${quoted(requestString(event, 'policyName'))} on`;
    return `${actorLabel(event)} ${how} ${grantee(event)}${fromSource(event)}.`;
  },
  /*
   * Quarantine the actor first: the deny-all policy stops every credential of that user or role at once,
   * including sessions derived from it. Then revert the grant: detach AdministratorAccess from whoever received it
   * (an inline admin policy is not reverted: its document would be lost; the runbook says how). Then make the
   * actor's credentials stay unusable if the quarantine is later lifted: deactivate the long-term key it signed
   * with, or revoke the sessions of the role it acted through. Nothing is planned for root or AWS service actors.
   */
  remediation: (event) => {
    const type = identityType(event);
    if (type === 'Root' || type === 'AWSService') return [];
    return [
      ...quarantineActor(event, 'it granted administrator access'),
      ...detachAdminPolicySteps(event),
      ...disableActorAccessKey(event, 'its holder granted administrator access'),
      ...revokeActorSessions(event, 'it granted administrator access'),
    ];
  },
  defaultMode: 'enforce',
  runbook:
    'Someone gave a user, role or group full control of the account. This is the most direct privilege ' +
    'escalation and persistence step in AWS, and also something bootstrap and account-vending tools do once. ' +
    'Check who acted and whether a change was planned; check who received the grant (a just-created user or role ' +
    'is a strong sign of a backdoor) and, for a role, who can assume it (its trust policy). Investigate what the ' +
    'grantee and the actor did afterwards. In `enforce` mode TrailGuard quarantines the actor, detaches an ' +
    'attached AdministratorAccess from the grantee, deactivates the actor\u2019s long-term key and revokes its role ' +
    'sessions; all are reversible (see the undo commands in the follow-up). An inline `*:*` policy is not removed ' +
    'automatically (its document would be lost): delete it with `DeleteUserPolicy` / `DeleteRolePolicy` / ' +
    '`DeleteGroupPolicy`, and delete any principal the attacker created.',
  falsePositives: [
    'CDK bootstrap (the CloudFormation execution role gets AdministratorAccess) and account vending / Control ' +
      'Tower roles: run these with the rule in alert mode or protect the deploying principals.',
    'Administrators deliberately creating a break-glass admin role.',
  ],
  stratus: ['aws.persistence.iam-create-admin-user', 'aws.persistence.iam-create-backdoor-role'],
  references: {
    panther: ['AWS.IAM.AttachAdminUserPolicy', 'AWS.IAM.AttachAdminRolePolicy'],
    sigma: [],
  },
};
