import type { Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  fromSource,
  inRegion,
  isAwsServiceActor,
  isAwsServiceSource,
  noRemediation,
  principalGroup,
} from '../helpers';

export const rule: Rule = {
  id: 'secretsmanager.batch-retrieval-burst',
  title: 'Repeated batch secret retrievals by one principal',
  description:
    '`BatchGetSecretValue` calls counted per principal (the user, or the role session), across regions: each ' +
    'call returns up to 20 secrets, so a few calls in minutes, often one per region, is secret harvesting ' +
    '(Stratus `secretsmanager-batch-retrieve-secrets`). Denied attempts count too. Calls made by AWS services ' +
    '(`invokedBy`, a service host name or `AWS Internal` as source) are excluded. `BatchGetSecretValue` is a ' +
    'read-only call: it reaches EventBridge only when the stack forwards all management events ' +
    '(`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or through the poller.',
  severity: 'medium',
  attack: ['T1555.006', 'T1552'],
  match: {
    eventSource: ['secretsmanager.amazonaws.com'],
    eventName: ['BatchGetSecretValue'],
  },
  predicate: (event) => !isAwsServiceActor(event) && !isAwsServiceSource(event),
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: principalGroup,
    count: 5,
    windowSeconds: 600,
  },
  summarize: (event) => {
    const failed = typeof event.errorCode === 'string' ? ` (${clean(event.errorCode, 64) ?? 'failed'})` : '';
    return `${actorLabel(event)} retrieved secrets in bulk with BatchGetSecretValue${failed}${inRegion(event)}${fromSource(event)}.`;
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'One principal made several bulk secret reads in a short time. See which secrets each call selected (the ' +
    '`secretIdList` or `filters` in the requests) and in which regions, and whether this principal normally uses ' +
    'BatchGetSecretValue (some applications load their secrets with one call at start-up). If not expected: ' +
    'rotate every secret the calls could have returned, contain the principal (quarantine, revoke role ' +
    'sessions), and look for use of the secrets from unknown places.',
  falsePositives: [
    'Applications or configuration loaders that fetch their secrets in batches at start-up, across many instances.',
  ],
  stratus: ['aws.credential-access.secretsmanager-batch-retrieve-secrets'],
  references: {
    panther: ['AWS.SecretsManager.BatchRetrieveSecrets', 'AWS.SecretsManager.RetrieveSecretsMultiRegion'],
    sigma: [],
  },
};
