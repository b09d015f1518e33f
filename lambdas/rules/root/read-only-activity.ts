import type { Rule } from '../../engine/types';
import { noRemediation } from '../helpers';
import {
  isFailedSignIn,
  isReadOnlyCall,
  ROOT_ACTIVITY,
  summarizeRootCall,
  usesRootAccessKey,
} from './account-used';

export const rule: Rule = {
  id: 'root.read-only-activity',
  title: 'Root user read-only activity',
  description:
    'The account root user made a read-only call (`readOnly: true`: `List*`, `Get*`, `Describe*` and the like), ' +
    'successful or not, with temporary credentials (a console session); a read-only call signed with a root ' +
    'access key (`AKIA…`) is `root.account-used` (high), since root should have no access keys. These are the calls `root.account-used` (high) leaves out: it reports root’s sign-ins and ' +
    'every call that is not read-only, while a root console session produces many read-only calls (every page ' +
    'lists or describes something), which would drown its alerts. The same exclusions apply: calls made by AWS ' +
    'services on root’s behalf (`invokedBy`, `AwsServiceEvent`), `CreateServiceLinkedRole` side effects and failed ' +
    'sign-ins. Read-only root calls still matter: listing users and access keys with stolen root credentials is ' +
    'how an attacker holding them starts. The alerter aggregates repeats of a rule for the same principal, so a ' +
    'session’s browsing reaches you as one alert and a digest. With the default EventBridge rules, read-only ' +
    'events reach TrailGuard only through the poller, minutes later (see "Read-only events" in the README).',
  severity: 'medium',
  attack: ['T1078.004', 'T1087.004', 'T1580'],
  match: { ...ROOT_ACTIVITY, readOnly: [true] },
  predicate: (event) => isReadOnlyCall(event) && !usesRootAccessKey(event) && !isFailedSignIn(event),
  summarize: summarizeRootCall,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone holding the root credentials is looking around the account. It is either the owner of the root user ' +
    'doing one of the few tasks that need root (billing, support plan, account settings), whose console session ' +
    'also reads a lot, or an attacker enumerating what the credentials reach before acting. Investigate: find ' +
    'how root got in, the `ConsoleLogin` by `Root` (reported by `root.account-used`, with MFA or not) or, for ' +
    'API calls, the access key in `userIdentity.accessKeyId` (root should have none; `root.access-key-created` ' +
    'reports new ones); compare the source IP and user agent with the owner’s usual ones; list every event with ' +
    '`userIdentity.type = Root` around this one, across all regions, and look at what was read (`ListUsers`, ' +
    '`ListAccessKeys`, `GetAccountAuthorizationDetails`, `ListBuckets`, `DescribeInstances` are typical ' +
    'discovery) and whether any write followed. Confirm with the named owner of the root credentials that they ' +
    'were signed in, and why. Respond: if the activity is not accounted for, treat the account as compromised as ' +
    'for `root.account-used`: reset the root password, re-register its MFA devices, delete any root access keys, ' +
    'check the account email and contacts, and review everything root did. TrailGuard never remediates root: IAM ' +
    'cannot contain it, and only its owner can recover it.',
  falsePositives: [
    'The owner of the root credentials browsing the console during a sanctioned root task (billing, support plan, ' +
      'account settings): one finding per read-only call, which the alerter aggregates into a digest.',
    'Tooling that still uses root credentials to read inventory or billing data (move it to an IAM role).',
  ],
  stratus: [],
  references: {
    panther: [],
    sigma: ['AWS Root Credentials'],
  },
};
