/**
 * Names shared by the CDK app and the Lambda runtime: environment variables, SSM parameter layout,
 * EventBridge source and detail types. One place, so the stack and the code cannot drift apart.
 */

/** Environment variables the handlers read at init (see `lambdas/shared/env.ts`). */
export const ENV = {
  /** DynamoDB table for engine state (dedupe marks, threshold counters) and alert dedupe. */
  stateTable: 'TRAILGUARD_STATE_TABLE',
  /** DynamoDB table of remediation audit records. */
  auditTable: 'TRAILGUARD_AUDIT_TABLE',
  /** Name of the findings event bus. */
  findingsBus: 'TRAILGUARD_FINDINGS_BUS',
  /** ARN of the SNS alert topic. */
  alertTopicArn: 'TRAILGUARD_ALERT_TOPIC_ARN',
  /** SSM path prefix of the run-time configuration, e.g. `/trailguard`. */
  configPrefix: 'TRAILGUARD_CONFIG_PREFIX',
  /** ARN of the stack-owned deny-all managed policy used to quarantine principals. */
  quarantinePolicyArn: 'TRAILGUARD_QUARANTINE_POLICY_ARN',
  /** Seconds the SSM configuration is cached in a warm Lambda. */
  configCacheSeconds: 'TRAILGUARD_CONFIG_CACHE_SECONDS',
  /** The CloudFormation stack name: roles named `<stack>-*` are TrailGuard's own and never remediated. */
  stackName: 'TRAILGUARD_STACK_NAME',
  /** ARN of the SNS escalation topic (paging tools); unset means no escalation. */
  escalationTopicArn: 'TRAILGUARD_ESCALATION_TOPIC_ARN',
  /** URL of the alerter's own queue: it schedules the delayed digest of an aggregation window there. */
  alerterQueueUrl: 'TRAILGUARD_ALERTER_QUEUE_URL',
  /** Alias of the account the stack is deployed in, shown next to its id in emails. */
  accountAlias: 'TRAILGUARD_ACCOUNT_ALIAS',
  /** URL of the analyzer queue: the poller sends the CloudTrail records it collects there. */
  analyzerQueueUrl: 'TRAILGUARD_ANALYZER_QUEUE_URL',
  /** Comma-separated regions whose event history the poller reads (the partition's global region is added). */
  pollerRegions: 'TRAILGUARD_POLLER_REGIONS',
  /** Hours of event history a region's first poll reads (initial backfill). */
  pollerBackfillHours: 'TRAILGUARD_POLLER_BACKFILL_HOURS',
  /** S3 bucket the posture function stores its reports in. */
  postureBucket: 'TRAILGUARD_POSTURE_BUCKET',
} as const;

export const DEFAULT_CONFIG_PREFIX = '/trailguard';

/** SSM parameter names under a prefix. Rule ids contain only `[a-z0-9.-]`, valid in SSM names. */
export const ssmNames = {
  /** `on` turns every rule to `alert` at once; `off` lets per-rule modes apply. */
  killSwitch: (prefix: string) => `${prefix}/kill-switch`,
  /** StringList of principal ARNs or ARN patterns (`*` wildcard) that remediation never touches. */
  protectedPrincipals: (prefix: string) => `${prefix}/protected-principals`,
  /** Optional StringList of 12-digit account ids of the organisation (sharing with or trusting them is not exposure). */
  trustedAccounts: (prefix: string) => `${prefix}/context/trusted-accounts`,
  /** Optional StringList of CIDRs the organisation's workloads reach AWS from (NAT gateways, VPN egress). */
  trustedNetworks: (prefix: string) => `${prefix}/context/trusted-networks`,
  ruleMode: (prefix: string, ruleId: string) => `${prefix}/rules/${ruleId}/mode`,
  /** Optional StringList of ARN patterns whose events the rule ignores (sanctioned automation). */
  ruleAllowPrincipals: (prefix: string, ruleId: string) => `${prefix}/rules/${ruleId}/allow-principals`,
  ruleThreshold: (prefix: string, ruleId: string) => `${prefix}/rules/${ruleId}/threshold`,
  ruleWindowSeconds: (prefix: string, ruleId: string) => `${prefix}/rules/${ruleId}/window-seconds`,
  /** Blast-radius limit: remediation actions per account per rolling hour; beyond it the circuit opens. */
  maxActionsPerHour: (prefix: string) => `${prefix}/remediation/max-actions-per-hour`,
  /** `on` | `off`: whether a remediation action may run at all, whatever the rule's mode. */
  actionEnabled: (prefix: string, actionId: string) => `${prefix}/remediation/actions/${actionId}/enabled`,
  /** Alerting settings live under `<prefix>/alerting/`; the alerter may read only that subtree. */
  alerting: (prefix: string) => `${prefix}/alerting`,
  /** Findings at or above this severity also go to the escalation topic. */
  escalationMinSeverity: (prefix: string) => `${prefix}/alerting/escalation-min-severity`,
  /** Repeats of a rule for a principal within this many seconds (event time) are aggregated; 0 turns it off. */
  aggregationWindowSeconds: (prefix: string) => `${prefix}/alerting/aggregation-window-seconds`,
  /** Rewritten by a schedule every few minutes: its CloudTrail event is the heartbeat of the EventBridge path. */
  heartbeat: (prefix: string) => `${prefix}/heartbeat`,
  /** JSON written by the stack: the names `trailguard status` reports on (queues, rules, table, regions). */
  deployment: (prefix: string) => `${prefix}/deployment`,
};

/** EventBridge `source` of everything TrailGuard puts on the findings bus. */
export const FINDING_SOURCE = 'trailguard';
export const DETAIL_TYPE = {
  finding: 'TrailGuard Finding',
  remediationOutcome: 'TrailGuard Remediation Outcome',
} as const;

/** EventBridge detail types under which CloudTrail events arrive on the default bus. */
export const CLOUDTRAIL_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
] as const;

/** DynamoDB key schemas, shared by the stack (table definitions) and the adapters. */
export const TABLES = {
  /** Engine state and alert dedupe: one item per key; items expire through TTL. */
  state: { partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** Remediation audit trail: one item per (finding, plan step). Kept (no TTL); PITR on. */
  audit: { partitionKey: 'findingId', sortKey: 'stepKey' },
} as const;

/** Handler entry files, relative to the repository root (bundled by the stack). */
export const HANDLER_ENTRIES = {
  analyzer: 'lambdas/handlers/analyzer.ts',
  alerter: 'lambdas/handlers/alerter.ts',
  remediator: 'lambdas/handlers/remediator.ts',
  summary: 'lambdas/handlers/summary.ts',
  poller: 'lambdas/handlers/poller.ts',
  posture: 'lambdas/handlers/posture.ts',
} as const;

/** SQS message attribute the poller puts on the records it sends, so the analyzer can tell them from EventBridge's. */
export const POLLED_MESSAGE_ATTRIBUTE = { name: 'trailguard-source', value: 'poller' } as const;

/**
 * CloudWatch metrics (Powertools EMF, dimension `service` = the function's service name) that alarms and the
 * dashboard read, beyond the per-handler counters.
 */
export const METRICS = {
  namespace: 'TrailGuard',
  /** Analyzer: messages that came through EventBridge (not the poller). The heartbeat alarm watches it. */
  eventBridgeEvents: 'EventBridgeEvents',
  /** Analyzer: findings published, one metric with dimension `severity`, one with dimension `rule`. */
  findings: 'Findings',
  /** Alerter: milliseconds from a finding's event time to its alert. */
  alertLatency: 'AlertLatency',
  /** Poller: seconds between the end of a run and the instant up to which every region is collected. */
  pollerLag: 'PollerLagSeconds',
  /** Poller: events read from the event history, and those sent to the analyzer. */
  polledEvents: 'PolledEvents',
  polledEventsForwarded: 'PolledEventsForwarded',
} as const;
