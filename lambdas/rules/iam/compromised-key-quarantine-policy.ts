import type { Rule } from '../../engine/types';
import { actorLabel, namedUserTarget, quarantineStep, quoted, requestString } from '../helpers';

export const rule: Rule = {
  id: 'iam.compromised-key-quarantine-policy',
  title: 'AWS quarantined an exposed access key',
  description:
    'The AWS managed `AWSCompromisedKeyQuarantine` policy (any version: V2, V3 and later) was attached to an IAM ' +
    'user. AWS does this itself when it finds one of the user’s access keys exposed publicly (for example in a ' +
    'public code repository), and opens a support case. The quarantine policy denies only some high-risk actions: ' +
    'the key is still usable for everything else until it is deactivated.',
  severity: 'critical',
  attack: ['T1552.001', 'T1078.004'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['AttachUserPolicy'],
    errorCode: [{ exists: false }],
    requestParameters: { policyArn: [{ wildcard: 'arn:*:iam::aws:policy/AWSCompromisedKeyQuarantine*' }] },
  },
  summarize: (event) =>
    `${actorLabel(event)} attached ${quoted(requestString(event, 'policyArn'))} to IAM user ` +
    `${quoted(requestString(event, 'userName'))}: AWS believes one of this user’s access keys is exposed.`,
  /*
   * The actor is AWS (or a responder), not the suspect: the plan targets the user named in the request. The event
   * does not say which key leaked, so no key is deactivated automatically; the runbook covers it.
   */
  remediation: (event) => {
    const target = namedUserTarget(event, requestString(event, 'userName'));
    return target === undefined
      ? []
      : [quarantineStep(target, 'AWS reported one of its access keys as exposed')];
  },
  defaultMode: 'alert',
  runbook:
    'AWS found an access key of this user exposed and attached a partial quarantine policy. Treat the key as ' +
    'known to attackers. Find the exposed key in the AWS support case (or AWS Health event) and check ' +
    '`ListAccessKeys` for the user. Investigate everything the user’s keys did since the exposure ' +
    '(`userIdentity.accessKeyId`), in every region: unexpected `RunInstances` (crypto-mining), IAM changes, new ' +
    'users or keys, data access. Respond: deactivate and then delete the exposed key, issue a new one to the ' +
    'owner if still needed, remove the leaked secret from wherever it was published (and its history), and ' +
    'revert anything the attacker created. Detach the quarantine policy only after the key is gone. In `enforce` ' +
    'mode TrailGuard quarantines the whole user with its deny-all policy.',
  falsePositives: ['A responder attaching the quarantine policy by hand while handling a known incident.'],
  stratus: [],
  references: {
    panther: ['AWS.CloudTrail.IAMCompromisedKeyQuarantine'],
    sigma: [],
  },
};
