import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  fromSource,
  isAwsServiceActor,
  isAwsServiceSource,
  lastArnSegment,
  noRemediation,
  principalGroup,
  quoted,
  requestString,
} from '../helpers';

/** The secret's name: the id as given, or the last segment of an ARN (`secret:name-AbCdEf`). */
export function secretName(event: CloudTrailRecord): string {
  const id = requestString(event, 'secretId');
  if (id === undefined) return 'unknown';
  const fromArn = /:secret:(.+)$/.exec(id)?.[1];
  return quoted(fromArn ?? lastArnSegment(id) ?? id);
}

export const rule: Rule = {
  id: 'secretsmanager.secret-retrieval-burst',
  title: 'Burst of secret retrievals by one principal',
  description:
    '`GetSecretValue` calls counted per principal (the user, or the role session): many in a few minutes is how ' +
    'stolen credentials are used to harvest secrets (Stratus `secretsmanager-retrieve-secrets`). Denied attempts ' +
    'count too: trying many secrets is the same intent. Calls made by AWS services (CloudFormation dynamic ' +
    'references, ECS and other services injecting secrets: `invokedBy`, a service host name or `AWS Internal` as ' +
    'source) are excluded. The threshold counts calls, not distinct secrets: one application re-reading the same ' +
    'secret without caching also counts. `GetSecretValue` is a read-only call: it reaches EventBridge only when ' +
    'the stack forwards all management events (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or through the ' +
    'poller.',
  severity: 'medium',
  attack: ['T1555.006', 'T1552'],
  match: {
    eventSource: ['secretsmanager.amazonaws.com'],
    eventName: ['GetSecretValue'],
  },
  predicate: (event) => !isAwsServiceActor(event) && !isAwsServiceSource(event),
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: principalGroup,
    count: 10,
    windowSeconds: 600,
  },
  summarize: (event) => {
    const failed = typeof event.errorCode === 'string' ? ` (${clean(event.errorCode, 64) ?? 'failed'})` : '';
    return `${actorLabel(event)} retrieved secret ${secretName(event)}${failed}${fromSource(event)}.`;
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'One principal read many secrets in a short time. Applications read the few secrets they need, usually once ' +
    'per start; reading many distinct secrets, or being denied on many, looks like harvesting. List the secrets ' +
    'read (the finding’s events, or CloudTrail `GetSecretValue` by this principal) and compare with what this ' +
    'workload or person needs; check the source address and user agent. If it is not expected, rotate every ' +
    'secret that was read (`aws secretsmanager rotate-secret`, and at the system each secret unlocks), contain ' +
    'the principal (quarantine the user or role, revoke role sessions), and look for use of the secrets (database ' +
    'logins, third-party API keys) from unknown places.',
  falsePositives: [
    'Applications that fetch secrets on every request instead of caching them (raise the threshold via SSM).',
    'Secret rotation or migration scripts and backup tools that read every secret.',
  ],
  stratus: ['aws.credential-access.secretsmanager-retrieve-secrets'],
  references: {
    panther: ['AWS.SecretsManager.RetrieveSecrets'],
    sigma: [],
  },
};
