import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  disableActorAccessKey,
  field,
  fromSource,
  inRegion,
  isAwsServiceActor,
  isAwsServiceSource,
  revokeActorRoleSessions,
} from '../helpers';

/**
 * A `BatchGetSecretValue` whose filters select (nearly) every secret: filters given, no `secretIdList`, and every
 * filter only negated (`!value` selects secrets that do NOT match, so `tag-key: !anything` selects them all).
 */
export function selectsEverything(event: CloudTrailRecord): boolean {
  if (asList(field(event, 'requestParameters', 'secretIdList')).length > 0) return false;
  const filters = asList(field(event, 'requestParameters', 'filters'));
  if (filters.length === 0) return false;
  return filters.every((filter) => {
    const values = asList(field(filter, 'values'));
    return values.length > 0 && values.every((v) => typeof v === 'string' && v.startsWith('!'));
  });
}

export const rule: Rule = {
  id: 'secretsmanager.batch-retrieve-all',
  title: 'Every secret requested in one batch call',
  description:
    'A `BatchGetSecretValue` call selected secrets only by negated filters (for example `tag-key: ' +
    '!tagThatDoesNotExist`), which matches every secret in the region: a "give me everything" request that ' +
    'applications do not make. A call that also has a positive filter or names secrets (`secretIdList`) does not ' +
    'match (see `secretsmanager.batch-retrieval-burst` for bulk reads in general). Denied attempts count. Calls ' +
    'made by AWS services are excluded. `BatchGetSecretValue` is a read-only call: it reaches EventBridge only ' +
    'when the stack forwards all management events (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or through ' +
    'the poller.',
  severity: 'high',
  attack: ['T1555.006', 'T1552'],
  match: {
    eventSource: ['secretsmanager.amazonaws.com'],
    eventName: ['BatchGetSecretValue'],
  },
  predicate: (event) => !isAwsServiceActor(event) && !isAwsServiceSource(event) && selectsEverything(event),
  summarize: (event) =>
    `${actorLabel(event)} requested every secret with a catch-all BatchGetSecretValue filter` +
    `${typeof event.errorCode === 'string' ? ' (denied or failed)' : ''}${inRegion(event)}${fromSource(event)}.`,
  /*
   * Whoever did this holds (or held) every secret the principal can read. Revoking the role's sessions or
   * deactivating the user's key stops further reads; both are reversible. Alert by default: the secrets are already
   * out, and rotating them is the real response.
   */
  remediation: (event) => [
    ...revokeActorRoleSessions(event, 'it requested every secret in one call'),
    ...disableActorAccessKey(event, 'it was used to request every secret in one call'),
  ],
  defaultMode: 'alert',
  runbook:
    'Someone asked Secrets Manager for all secrets at once. Find out whether the call succeeded (no `errorCode`) ' +
    'and which secrets the principal can read (its policies, and the secrets’ resource policies): those are ' +
    'exposed. Check the source address and user agent against the principal’s owner. Respond: rotate the exposed ' +
    'secrets at their source, contain the principal (TrailGuard plans revoking the role’s sessions or ' +
    'deactivating the user’s key), and look for the secrets being used from unknown places.',
  falsePositives: [
    'Backup or migration tooling that deliberately exports every secret (run it under a known role).',
  ],
  stratus: [],
  references: {
    panther: [
      'AWS.SecretsManager.BatchRetrieveSecretsCatchAll',
      'AWS.SecretsManager.RetrieveSecretsMultiRegion',
    ],
    sigma: [],
  },
};
