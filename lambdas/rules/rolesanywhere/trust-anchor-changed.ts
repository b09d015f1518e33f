import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  fromSource,
  inRegion,
  isAwsServicePrincipal,
  noRemediation,
  quoted,
  requestString,
  responseString,
  stringAt,
} from '../helpers';

const VERB: Record<string, string> = {
  CreateTrustAnchor: 'created IAM Roles Anywhere trust anchor',
  UpdateTrustAnchor: 'changed the certificate source of IAM Roles Anywhere trust anchor',
  EnableTrustAnchor: 'enabled IAM Roles Anywhere trust anchor',
};

function anchor(event: CloudTrailRecord): string {
  return quoted(
    requestString(event, 'name') ??
      responseString(event, 'trustAnchor', 'name') ??
      requestString(event, 'trustAnchorId'),
  );
}

/** `AWS_ACM_PCA` (a private CA in AWS) or `CERTIFICATE_BUNDLE` (a CA certificate the caller uploaded). */
function sourceType(event: CloudTrailRecord): string {
  const type = clean(stringAt(event, 'requestParameters', 'source', 'sourceType'), 32);
  return type === undefined ? '' : ` (source ${type})`;
}

export const rule: Rule = {
  id: 'rolesanywhere.trust-anchor-changed',
  title: 'IAM Roles Anywhere trust anchor created or changed',
  description:
    'An IAM Roles Anywhere trust anchor was created, had its certificate source replaced, or was enabled. A trust ' +
    'anchor makes a certificate authority trusted by the account: anyone holding a certificate it signed can get ' +
    'role sessions from outside AWS through any profile that uses it, without an AWS credential, so a CA the ' +
    'attacker controls is durable persistence (Stratus `rolesanywhere-create-trust-anchor`). Calls by AWS ' +
    'service principals and failed calls are excluded.',
  severity: 'high',
  attack: ['T1098', 'T1556'],
  match: {
    eventSource: ['rolesanywhere.amazonaws.com'],
    eventName: Object.keys(VERB),
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event),
  summarize: (event) =>
    `${actorLabel(event)} ${VERB[event.eventName] ?? `called ${clean(event.eventName, 64) ?? 'an action'} on`} ` +
    `${anchor(event)}${sourceType(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A certificate authority is now trusted to vouch for workloads that want role sessions. Confirm with the ' +
    'owner of the hybrid or on-premises workloads that use Roles Anywhere. Investigate: the anchor’s source (an ' +
    'uploaded `CERTIFICATE_BUNDLE` is a CA anybody may hold the key of; `aws rolesanywhere get-trust-anchor`), the ' +
    'profiles and roles that can be reached with it (`list-profiles`: profile role ARNs), and ' +
    '`CreateSession` events since (sessions issued through the anchor). Respond if not expected: disable the ' +
    'trust anchor (`aws rolesanywhere disable-trust-anchor`), disable or delete profiles created with it, revoke ' +
    'sessions of the roles they map to, and treat the actor as compromised.',
  falsePositives: [
    'Setting up IAM Roles Anywhere for on-premises servers, or rotating the CA of an existing anchor.',
  ],
  stratus: ['aws.persistence.rolesanywhere-create-trust-anchor'],
  references: { panther: [], sigma: [] },
};
