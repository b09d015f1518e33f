import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  describeShareTargets,
  externalShareTargets,
  field,
  fromSource,
  isAwsServicePrincipal,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

/** Who the call added: `all` (public) and accounts other than the event's own. */
function addedTargets(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): string[] {
  const type = requestString(event, 'permissionType');
  if (type !== undefined && type !== 'Share') return [];
  return externalShareTargets(event, asList(field(event, 'requestParameters', 'accountIdsToAdd')), context);
}

export const rule: Rule = {
  id: 'ssm.document-shared-externally',
  title: 'SSM document shared publicly or with another account',
  description:
    'A successful `ModifyDocumentPermission` shared a Systems Manager document with everyone (`All`) or with ' +
    'another AWS account. Documents often embed scripts, internal host names and sometimes credentials; a public ' +
    'document can be read and run by any AWS account. Accounts other than the event’s own and those listed in ' +
    '`context/trusted-accounts` all count: partners cannot be told from strangers in one event.',
  severity: 'medium',
  attack: ['T1537', 'T1567'],
  match: {
    eventSource: ['ssm.amazonaws.com'],
    eventName: ['ModifyDocumentPermission'],
    errorCode: [{ exists: false }],
  },
  predicate: (event, context) => !isAwsServicePrincipal(event) && addedTargets(event, context).length > 0,
  summarize: (event, context) =>
    `${actorLabel(event)} shared SSM document ${quoted(requestString(event, 'name'))} ` +
    `${describeShareTargets(addedTargets(event, context))}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A Systems Manager document is now readable outside the account. Read the document (`aws ssm get-document ' +
    '--name …`) and look for secrets, internal addresses and scripts an outsider could learn from or abuse. ' +
    'Confirm with the owner whether the share was intended (publishing a public automation is rare and ' +
    'deliberate). Respond if not: remove the share (`aws ssm modify-document-permission --name … ' +
    '--permission-type Share --account-ids-to-remove All` or the account ids), rotate any secret the document ' +
    'contains, and review the actor. Consider the account-level block on public sharing ' +
    '(`/ssm/documents/console/public-sharing-permission` service setting).',
  falsePositives: [
    'Documents deliberately shared with other accounts of the organization or published publicly.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
