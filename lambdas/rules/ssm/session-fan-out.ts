import type { Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServicePrincipal,
  noRemediation,
  principalGroup,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 'ssm.session-fan-out',
  title: 'SSM sessions opened to several instances by one principal',
  description:
    'Successful `StartSession` calls (Session Manager shells and port forwards) counted per principal (the user, ' +
    'or the role session): sessions to several machines within minutes is how an intruder with ' +
    '`ssm:StartSession` moves across a fleet (Stratus `ssm-start-session`). The threshold counts calls, not ' +
    'distinct instances: three sessions to one instance also count (the engine counts events). Calls by AWS service ' +
    'principals are excluded.',
  severity: 'low',
  attack: ['T1021.007', 'T1651'],
  match: {
    eventSource: ['ssm.amazonaws.com'],
    eventName: ['StartSession'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event),
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: principalGroup,
    count: 3,
    windowSeconds: 600,
  },
  summarize: (event) =>
    `${actorLabel(event)} started an SSM session on ${quoted(requestString(event, 'target'))}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'One principal opened interactive sessions on several instances in a short time. Operators do this while ' +
    'troubleshooting; an intruder does it to explore and spread. List the sessions and targets (the finding’s ' +
    'events, or `aws ssm describe-sessions --state History`), check the actor and the source address, and read ' +
    'the session logs if Session Manager logging to S3 or CloudWatch is on. If not expected: terminate active ' +
    'sessions (`aws ssm terminate-session`), contain the principal, and examine the instances for changes made ' +
    'during the sessions.',
  falsePositives: [
    'Operators troubleshooting several instances, or reconnecting to the same one (the count is of sessions).',
    'Port-forwarding tools that open a new session per connection.',
  ],
  stratus: ['aws.execution.ssm-start-session'],
  references: { panther: [], sigma: [] },
};
