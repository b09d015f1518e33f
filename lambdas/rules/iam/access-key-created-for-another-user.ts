import type { RemediationStep, Rule } from '../../engine/types';
import {
  actorLabel,
  actsOnAnotherUser,
  disableAccessKeyStep,
  disableActorAccessKey,
  fromSource,
  identityType,
  isIamName,
  isLongTermAccessKeyId,
  quoted,
  requestString,
  responseString,
  revokeActorSessions,
} from '../helpers';

export const rule: Rule = {
  id: 'iam.access-key-created-for-another-user',
  title: 'Access key created for another IAM user',
  description:
    'A successful `CreateAccessKey` named a user (`requestParameters.userName`) other than the caller. Creating a ' +
    'key on someone else’s user is the classic IAM backdoor: the attacker gets long-lived credentials that ' +
    'survive the loss of their own. For an IAM user the names are compared case-insensitively (IAM user names ' +
    'are); a role session, a federated user or root is never the target user, so every key they create for a ' +
    'named user counts. Calls through CloudFormation (`invokedBy`) count too: a stack runs with its deployer’s ' +
    'permissions.',
  severity: 'high',
  attack: ['T1098.001'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['CreateAccessKey'],
    errorCode: [{ exists: false }],
    requestParameters: { userName: [{ exists: true }] },
  },
  predicate: actsOnAnotherUser,
  summarize: (event) => {
    const key = responseString(event, 'accessKey', 'accessKeyId');
    return (
      `${actorLabel(event)} created access key ${quoted(key)} for IAM user ` +
      `${quoted(requestString(event, 'userName'))}${fromSource(event)}.`
    );
  },
  /*
   * First deactivate the new key: it is the attacker's new foothold and quarantining the actor would not touch it.
   * Then deactivate the actor's own long-term key when the actor is an IAM user signing with one (AKIA): whoever
   * holds it just used it to mint more credentials. Role sessions cannot be deactivated: for a role actor, revoke
   * the role's sessions issued until now instead. Root is left alone entirely (see the runbook).
   */
  remediation: (event) => {
    const type = identityType(event);
    if (type === 'Root' || type === 'AWSService') return [];
    const steps: RemediationStep[] = [];
    const userName = requestString(event, 'userName');
    const accessKeyId = responseString(event, 'accessKey', 'accessKeyId');
    if (isIamName(userName) && isLongTermAccessKeyId(accessKeyId)) {
      steps.push(
        disableAccessKeyStep(userName, accessKeyId, 'it was just created for this user by another principal'),
      );
    }
    steps.push(...disableActorAccessKey(event, 'its holder created an access key for another user'));
    steps.push(...revokeActorSessions(event, 'it created an access key for another user'));
    return steps;
  },
  defaultMode: 'enforce',
  runbook:
    'One principal created a long-term access key for a different IAM user. Legitimate flows exist (an admin ' +
    'issuing keys to a service user, a pipeline provisioning one), but this is also how attackers keep access. ' +
    'Ask the owner of the acting principal whether it was planned, and the owner of the target user whether they ' +
    'expected a new key. Investigate: what the new key has done since (`userIdentity.accessKeyId` equal to the ' +
    'new key id, in every region), where the actor’s session came from, and what else it changed around the same ' +
    'time (new users, policies, login profiles). In `enforce` mode TrailGuard deactivates the new key and the ' +
    'actor’s own long-term key; both are reversible with `UpdateAccessKey --status Active`. If the activity is ' +
    'malicious, delete the new key, rotate the actor’s credentials and review the target user’s permissions. If ' +
    'root created the key, TrailGuard does nothing automatically: handle it as a root compromise (see root.account-used).',
  falsePositives: [
    'Terraform, CloudFormation or CDK deploy roles that create `aws_iam_access_key` / `AWS::IAM::AccessKey` ' +
      'resources for service users: every such key is "for another user". In enforce mode the new key is ' +
      'deactivated; run such pipelines with this rule in alert mode or protect the target users.',
    'IAM administrators (often through IAM Identity Center roles) issuing keys to service or vendor users.',
    'Account-vending or user-provisioning automation.',
  ],
  stratus: ['aws.persistence.iam-backdoor-user', 'aws.persistence.iam-create-admin-user'],
  references: {
    panther: ['AWS.IAM.Backdoor.User.Keys'],
    sigma: ['AWS IAM Backdoor Users Keys'],
  },
};
