import type { Rule } from '../../engine/types';
import { clean, fromSource, inAccount, noRemediation, responseString } from '../helpers';

export const rule: Rule = {
  id: 'root.access-key-created',
  title: 'Access key created for the root user',
  description:
    'The root user created an access key for itself (a successful `CreateAccessKey` by `Root` with no ' +
    '`userName` in the request). A root access key is a long-term credential that bypasses every IAM policy and ' +
    'can only be managed by root; AWS recommends that none exist. Keys created in the console count (CloudTrail ' +
    'marks them `invokedBy: signin.amazonaws.com`). Root creating a key for an IAM user (the ' +
    'request names a `userName`) is not this rule: `root.account-used` reports that call.',
  severity: 'critical',
  attack: ['T1098.001', 'T1078.004'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['CreateAccessKey'],
    errorCode: [{ exists: false }],
    userIdentity: { type: ['Root'] },
    requestParameters: { userName: [{ exists: false }] },
  },
  summarize: (event) => {
    const key = clean(responseString(event, 'accessKey', 'accessKeyId'), 32);
    const which = key === undefined ? 'an access key' : `access key ${key}`;
    return `The root user created ${which} for itself${inAccount(event)}${fromSource(event)}.`;
  },
  /*
   * Nothing is planned: IAM cannot deactivate or delete root's keys on root's behalf, and TrailGuard never acts
   * on root. Only the owner of the root credentials can remove the key.
   */
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A root access key gives whoever holds it unrestricted, programmatic control of the account, and it cannot be ' +
    'limited by IAM policies or service control policies scoped to IAM principals. No routine task needs one. ' +
    'Reach the named owner of the root credentials at once and confirm whether they created it. Investigate: every ' +
    'event with `userIdentity.type = Root` in the hours before (how did root sign in: console password, MFA, from ' +
    'which address), and any later use of the new key (`userIdentity.accessKeyId`). Respond: sign in as root and ' +
    'delete the key (IAM console, "Security credentials"), reset the root password, check the MFA devices and the ' +
    'account email and contact details, and if AWS Organizations is in use, consider the `RootCredentialsManagement` ' +
    'feature or an SCP that denies `iam:CreateAccessKey` to root in member accounts.',
  falsePositives: [
    'Legacy tooling that genuinely requires root keys (very rare; prefer an IAM role and delete the key).',
  ],
  stratus: [],
  references: {
    panther: ['AWS.CloudTrail.RootAccessKeyCreated'],
    sigma: [],
  },
};
