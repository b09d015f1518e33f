import type { Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServicePrincipal,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 'iam.policy-default-version-changed',
  title: 'Managed policy default version switched',
  description:
    'A successful `SetDefaultPolicyVersion` switched a customer managed policy to another of its stored versions. ' +
    'Deployment tools create a new default version instead; switching to an older one is how an attacker who ' +
    'holds `iam:SetDefaultPolicyVersion` activates a more permissive version stored earlier (a known privilege ' +
    'escalation). The event does not carry the version’s content, so every switch is reported. Calls by AWS ' +
    'service principals are excluded.',
  severity: 'medium',
  attack: ['T1098.003', 'T1484'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['SetDefaultPolicyVersion'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event),
  summarize: (event) =>
    `${actorLabel(event)} made version ${quoted(requestString(event, 'versionId'))} the default of managed ` +
    `policy ${quoted(requestString(event, 'policyArn'))}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone changed which stored version of a managed policy is in force. Read the version now in force and the ' +
    'one it replaced (`aws iam get-policy-version --policy-arn … --version-id …`) and compare what they allow; ' +
    'list what the policy is attached to (`aws iam list-entities-for-policy`). An older version that grants more ' +
    '(`iam:*`, `*`, `iam:PassRole` on `*`) made default by a principal the policy is attached to is ' +
    'self-escalation. Respond: set the previous version as default again, delete stale versions so they cannot ' +
    'be re-activated (a policy keeps up to five), and review the actor’s other IAM calls.',
  falsePositives: [
    'An administrator rolling a policy back to its previous version after a faulty deployment.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
