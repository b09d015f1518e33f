import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  field,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

/** `AddLayerVersionPermission` for principal `*` without `organizationId`: any AWS account can use the layer. */
export function publicLayerPermission(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  return (
    requestString(event, 'principal')?.trim() === '*' && requestString(event, 'organizationId') === undefined
  );
}

export const rule: Rule = {
  id: 'lambda.layer-made-public',
  title: 'Lambda layer version shared with every AWS account',
  description:
    'A successful `AddLayerVersionPermission` for principal `*` without an `organizationId`: any AWS account can ' +
    'now download the layer version and attach it to its functions. Layers carry code, libraries and sometimes ' +
    'configuration or credentials baked in; publishing one this way exposes them, and an attacker uses it to ' +
    'stage a malicious extension for functions in other accounts.',
  severity: 'medium',
  attack: ['T1537'],
  match: {
    eventSource: ['lambda.amazonaws.com'],
    eventName: ['AddLayerVersionPermission', 'AddLayerVersionPermission20181031'],
    errorCode: [{ exists: false }],
  },
  predicate: publicLayerPermission,
  summarize: (event) =>
    `${actorLabel(event)} shared version ${clean(field(event, 'requestParameters', 'versionNumber'), 16) ?? '?'} of ` +
    `Lambda layer ${quoted(requestString(event, 'layerName'))} with every AWS account${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The layer version is downloadable by anyone with an AWS account. Inspect its contents (`get-layer-version` ' +
    'gives a download link) for secrets and proprietary code, and ask the owner whether it is meant to be ' +
    'public (open-source tooling layers are). If not: remove the permission (`remove-layer-version-permission ' +
    '--statement-id`), rotate any secret in it, and review the principal’s other actions (a ' +
    '`PublishLayerVersion` just before, functions updated to use the layer). TrailGuard has no automatic ' +
    'remediation for this rule.',
  falsePositives: [
    'Vendors and open-source projects publishing layers for their users.',
    'Sharing with many accounts through "*" where an organization condition was intended.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
