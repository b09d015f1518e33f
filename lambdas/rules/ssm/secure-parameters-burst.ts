import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  boolOf,
  clean,
  field,
  fromSource,
  isAwsServiceActor,
  isAwsServiceSource,
  noRemediation,
  principalGroup,
  quoted,
  requestString,
} from '../helpers';

const EVENTS = ['GetParameter', 'GetParameters', 'GetParametersByPath'];

function what(event: CloudTrailRecord): string {
  switch (event.eventName) {
    case 'GetParameters': {
      const n = asList(field(event, 'requestParameters', 'names')).length;
      return `${n} parameter${n === 1 ? '' : 's'}`;
    }
    case 'GetParametersByPath':
      return `the parameters under ${quoted(requestString(event, 'path'))}`;
    default:
      return `parameter ${quoted(requestString(event, 'name'))}`;
  }
}

export const rule: Rule = {
  id: 'ssm.secure-parameters-burst',
  title: 'Burst of decrypted SSM parameter reads by one principal',
  description:
    '`GetParameter`, `GetParameters` and `GetParametersByPath` calls with `withDecryption: true` (the only way to ' +
    'read a SecureString in clear), counted per principal (the user, or the role session): many in a few minutes ' +
    'is credential harvesting from Parameter Store (Stratus `ssm-retrieve-securestring-parameters`). Calls without ' +
    'decryption do not count. Denied attempts count. Calls made by AWS services (`invokedBy`, a service host name ' +
    'or `AWS Internal` as source) are excluded. The threshold counts calls, not parameters: one `GetParameters` ' +
    'call naming ten parameters counts once. These are read-only calls: they reach EventBridge only when the ' +
    'stack forwards all management events (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or through the poller.',
  severity: 'medium',
  attack: ['T1552', 'T1555'],
  match: {
    eventSource: ['ssm.amazonaws.com'],
    eventName: EVENTS,
  },
  predicate: (event) =>
    boolOf(field(event, 'requestParameters', 'withDecryption')) === true &&
    !isAwsServiceActor(event) &&
    !isAwsServiceSource(event),
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: principalGroup,
    count: 5,
    windowSeconds: 300,
  },
  summarize: (event) => {
    const failed = typeof event.errorCode === 'string' ? ` (${clean(event.errorCode, 64) ?? 'failed'})` : '';
    return `${actorLabel(event)} read ${what(event)} decrypted from Parameter Store${failed}${fromSource(event)}.`;
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'One principal read several SecureString parameters in clear within minutes. Applications read their own ' +
    'few parameters at start-up; reading across paths, or being denied on many, looks like harvesting. List the ' +
    'parameters read (the finding’s events: `name`, `names`, `path`) and compare with what this workload or ' +
    'person needs; check the source address and user agent. If not expected: rotate every secret that was read ' +
    '(at the system it unlocks, then `aws ssm put-parameter --overwrite`), contain the principal (quarantine, ' +
    'revoke role sessions), and look for use of the secrets from unknown places.',
  falsePositives: [
    'Applications that load many SecureString parameters one call at a time at start-up (raise the threshold via SSM).',
    'Configuration tools (chamber, ssm-env, Parameter Store sync jobs) that read whole paths.',
  ],
  stratus: ['aws.credential-access.ssm-retrieve-securestring-parameters'],
  references: {
    panther: ['AWS.SSM.DecryptSSMParams'],
    sigma: [],
  },
};
