import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { Rule, Severity } from '../lambdas/engine/types';
import { catalog as shippedCatalog } from '../lambdas/rules';
import { DEFAULT_CONFIG_PREFIX, ENV, HANDLER_ENTRIES } from '../lambdas/shared/contract';
import { accountAliasValue } from './constructs/alert-options';
import { DailySummary } from './constructs/alert-summary';
import { AlertTopic, validateAlertEmail, validateSeverity } from './constructs/alert-topic';
import { AuditTable } from './constructs/audit-table';
import { ConfigParameters } from './constructs/config-parameters';
import { DetectionRules } from './constructs/detection-rules';
import { EncryptedQueue } from './constructs/encrypted-queue';
import { FindingsBus } from './constructs/findings-bus';
import { Monitoring, validateHeartbeatMinutes } from './constructs/monitoring';
import { Poller, validatePollerOptions } from './constructs/poller';
import { PostureChecks, postureSchedule } from './constructs/posture-checks';
import { PostureParameters } from './constructs/posture-parameters';
import { QuarantinePolicy } from './constructs/quarantine-policy';
import { RemediatorAccess } from './constructs/remediator-access';
import { StateTable } from './constructs/state-table';
import { CONFIG_PREFIX_PATTERN, TrailGuardFunction } from './constructs/trailguard-function';
import { TrailGuardKey } from './constructs/trailguard-key';

export interface TrailGuardStackProps extends StackProps {
  /**
   * Email address subscribed to the alert topic.
   *
   * @default - no subscription (subscribe something to the topic yourself)
   */
  readonly alertEmail?: string;
  /**
   * SSM path of the run-time configuration.
   *
   * @default DEFAULT_CONFIG_PREFIX ('/trailguard')
   */
  readonly configPrefix?: string;
  /**
   * The detections to deploy.
   *
   * @default - the catalog shipped in lambdas/rules
   */
  readonly catalog?: readonly Rule[];
  /**
   * Lowest severity emailed to `alertEmail` (a filter policy on its subscription); needs `alertEmail`.
   *
   * @default - every severity
   */
  readonly alertMinSeverity?: Severity;
  /**
   * Email address subscribed to the escalation topic (findings at or above the SSM escalation severity, failed
   * or stopped remediations, dead-letter alarms).
   *
   * @default - no subscription (subscribe a paging tool to the topic)
   */
  readonly escalationEmail?: string;
  /**
   * Account alias shown next to the account id in emails: one alias for this account, or `account=alias` pairs.
   *
   * @default - none
   */
  readonly accountAlias?: string;
  /**
   * Send a summary of the previous UTC day every day at 00:15 UTC.
   *
   * @default false
   */
  readonly dailySummary?: boolean;
  /**
   * Minutes between runs of the LookupEvents poller (1 to 60).
   *
   * @default 5
   */
  readonly pollerRateMinutes?: number;
  /**
   * Regions whose CloudTrail event history the poller reads; us-east-1 (global-service events) is always added.
   *
   * @default - the stack's region
   */
  readonly pollerRegions?: readonly string[];
  /**
   * Hours of event history the poller's first run reads in each region (0 to 2160).
   *
   * @default 0
   */
  readonly initialBackfillHours?: number;
  /**
   * Minutes without a CloudTrail event through EventBridge before the heartbeat alarm fires (10 to 1440).
   *
   * @default 30
   */
  readonly heartbeatMinutes?: number;
  /**
   * When the IAM posture checks run: `off`, `daily` (06:00 UTC) or an EventBridge `cron(...)` / `rate(...)` expression.
   *
   * @default 'daily'
   */
  readonly postureSchedule?: string;
  /**
   * Deliver matching read-only management events through EventBridge too (see `DetectionRulesProps.readOnlyEvents`
   * for what it costs).
   *
   * @default false
   */
  readonly readOnlyEvents?: boolean;
  /**
   * 12-digit account ids of your organisation and known partners, written to the SSM StringList
   * `<prefix>/context/trusted-accounts` (see `ConfigParameters`): sharing with or trusting them is not exposure.
   * Each deploy that changes the list overwrites the parameter, and deploying without it deletes the parameter.
   *
   * @default - none: the parameter is not created; operators may create it in SSM by hand
   */
  readonly trustedAccounts?: readonly string[];
  /**
   * IPv4/IPv6 CIDRs your workloads reach AWS from (NAT gateway Elastic IPs, VPN egress), written to the SSM
   * StringList `<prefix>/context/trusted-networks` (see `ConfigParameters`). Each deploy that changes the list
   * overwrites the parameter, and deploying without it deletes the parameter.
   *
   * @default - none: the parameter is not created; operators may create it in SSM by hand
   */
  readonly trustedNetworks?: readonly string[];
}

/**
 * TrailGuard: CloudTrail events on the default bus → generated rules → analyzer queue → analyzer → findings bus
 * → alerter (SNS) and remediator (IAM, CloudTrail; audit table) → outcomes → alerter.
 */
export class TrailGuardStack extends Stack {
  /** The customer managed key everything is encrypted with. */
  public readonly key: kms.Key;
  public readonly analyzer: TrailGuardFunction;
  public readonly alerter: TrailGuardFunction;
  public readonly remediator: TrailGuardFunction;
  public readonly detections: DetectionRules;
  public readonly findings: FindingsBus;
  public readonly alertTopic: AlertTopic;
  public readonly escalationTopic: AlertTopic;
  public readonly dailySummary?: DailySummary;
  public readonly poller: Poller;
  public readonly monitoring: Monitoring;
  /** The scheduled IAM posture checks; absent with `postureSchedule: 'off'`. */
  public readonly posture?: PostureChecks;

  constructor(scope: Construct, id: string, props: TrailGuardStackProps = {}) {
    super(scope, id, props);
    // Validate inputs before anything is bundled, so a typo fails in milliseconds.
    const prefix = props.configPrefix ?? DEFAULT_CONFIG_PREFIX;
    if (!CONFIG_PREFIX_PATTERN.test(prefix)) {
      throw new Error(
        `configPrefix "${prefix}" must be an SSM path like /trailguard (letters, digits, _ . -)`,
      );
    }
    if (props.alertEmail !== undefined) validateAlertEmail(props.alertEmail);
    if (props.escalationEmail !== undefined) validateAlertEmail(props.escalationEmail, 'escalationEmail');
    if (props.alertMinSeverity !== undefined) {
      validateSeverity(props.alertMinSeverity, 'alertMinSeverity');
      if (props.alertEmail === undefined) {
        throw new Error(
          'alertMinSeverity filters the alertEmail subscription; pass -c alertEmail=... as well',
        );
      }
    }
    const accountAliases =
      props.accountAlias === undefined ? undefined : accountAliasValue(props.accountAlias, Aws.ACCOUNT_ID);
    validatePollerOptions({
      rateMinutes: props.pollerRateMinutes,
      regions: props.pollerRegions,
      initialBackfillHours: props.initialBackfillHours,
    });
    if (props.heartbeatMinutes !== undefined) validateHeartbeatMinutes(props.heartbeatMinutes);
    const postureRuns = postureSchedule(props.postureSchedule ?? 'daily');
    const catalog = props.catalog ?? shippedCatalog;

    this.key = new TrailGuardKey(this, 'Key').key;
    const key = this.key;
    // Validates the trusted accounts and networks too: created before any function, so a typo fails before bundling.
    const config = new ConfigParameters(this, 'Config', {
      catalog,
      prefix,
      trustedAccounts: props.trustedAccounts,
      trustedNetworks: props.trustedNetworks,
    });
    const state = new StateTable(this, 'State', { encryptionKey: key }).table;
    const audit = new AuditTable(this, 'Audit', { encryptionKey: key }).table;
    const alerts = new AlertTopic(this, 'Alerts', {
      encryptionKey: key,
      alertEmail: props.alertEmail,
      minSeverity: props.alertMinSeverity,
    });
    const escalation = new AlertTopic(this, 'Escalation', {
      encryptionKey: key,
      alertEmail: props.escalationEmail,
      emailContextKey: 'escalationEmail',
      displayName: 'TrailGuard escalations',
    });
    this.alertTopic = alerts;
    this.escalationTopic = escalation;
    const quarantine = new QuarantinePolicy(this, 'Quarantine');

    const fn = (id: string, entry: string, timeoutSeconds: number, memorySize: number) =>
      new TrailGuardFunction(this, id, {
        entry,
        serviceName: `trailguard-${id.toLowerCase()}`,
        encryptionKey: key,
        timeout: Duration.seconds(timeoutSeconds),
        memorySize,
      });
    this.analyzer = fn('Analyzer', HANDLER_ENTRIES.analyzer, 60, 512);
    this.alerter = fn('Alerter', HANDLER_ENTRIES.alerter, 30, 256);
    // IAM calls with adaptive retries under throttling: give them time.
    this.remediator = fn('Remediator', HANDLER_ENTRIES.remediator, 120, 256);

    const analyzerWindow = Duration.seconds(2);
    const queue = (id: string, consumer: TrailGuardFunction, consumerBatchingWindow?: Duration) =>
      new EncryptedQueue(this, id, {
        encryptionKey: key,
        consumerTimeout: consumer.timeout,
        consumerBatchingWindow,
      });
    const analyzerQueue = queue('AnalyzerQueue', this.analyzer, analyzerWindow);
    const alerterQueue = queue('AlerterQueue', this.alerter);
    const remediatorQueue = queue('RemediatorQueue', this.remediator);

    this.findings = new FindingsBus(this, 'Findings', { alerterQueue, remediatorQueue });
    this.detections = new DetectionRules(this, 'Detections', {
      catalog,
      target: analyzerQueue,
      readOnlyEvents: props.readOnlyEvents,
    });

    this.analyzer
      .consume(analyzerQueue, { batchSize: 10, maxBatchingWindow: analyzerWindow })
      .useTable(state, ENV.stateTable, 'readWrite')
      .useBus(this.findings.bus)
      .useConfig(prefix);
    // The alerter reads only the alerting settings under the prefix; it prints the prefix and the quarantine policy
    // in emails (tune and undo commands) but needs no IAM grant for them. It puts its delayed end-of-window
    // checks (aggregation digests) on its own queue.
    this.alerter
      .consume(alerterQueue, { batchSize: 10 })
      .useTopic(alerts.topic)
      .useTopic(escalation.topic, ENV.escalationTopicArn)
      .useQueue(alerterQueue.queue, ENV.alerterQueueUrl)
      .useTable(state, ENV.stateTable, 'readWrite')
      .useConfig(prefix, { subtree: 'alerting' })
      .addEnvironment(ENV.quarantinePolicyArn, quarantine.policy.managedPolicyArn);
    if (accountAliases !== undefined) this.alerter.addEnvironment(ENV.accountAlias, accountAliases);
    if (props.dailySummary === true) {
      this.dailySummary = new DailySummary(this, 'DailySummary', {
        encryptionKey: key,
        topic: alerts.topic,
        stateTable: state,
        auditTable: audit,
        configPrefix: prefix,
        accountAliases,
      });
    }
    // One finding per invocation and at most two at a time: a burst of findings cannot fan out into a burst of
    // IAM changes, and one failing finding never holds others back.
    this.remediator
      .consume(remediatorQueue, { batchSize: 1, maxConcurrency: 2 })
      .useTable(audit, ENV.auditTable, 'readWrite')
      // The blast-radius counters (actions per account per rolling hour) live in the state table.
      .useTable(state, ENV.stateTable, 'readWrite')
      .useBus(this.findings.bus)
      .useConfig(prefix);
    // Continuous collection: CloudTrail event history → the analyzer queue, on a schedule.
    this.poller = new Poller(this, 'Poller', {
      encryptionKey: key,
      analyzerQueue,
      stateTable: state,
      rateMinutes: props.pollerRateMinutes,
      regions: props.pollerRegions,
      initialBackfillHours: props.initialBackfillHours,
    });
    // IAM posture: a daily report (S3, email) and a finding per violation, remediated under the same guardrails.
    if (postureRuns !== undefined) {
      new PostureParameters(this, 'PostureConfig', { prefix, after: config });
      this.posture = new PostureChecks(this, 'Posture', {
        encryptionKey: key,
        findingsBus: this.findings.bus,
        alertTopic: alerts.topic,
        configPrefix: prefix,
        schedule: postureRuns,
      });
    }
    const ownRoles = [this.analyzer.role, this.alerter.role, this.remediator.role, this.poller.function.role];
    if (this.dailySummary) ownRoles.push(this.dailySummary.function.role);
    if (this.posture) ownRoles.push(this.posture.function.role);
    new RemediatorAccess(this, 'RemediatorAccess', {
      remediator: this.remediator,
      quarantinePolicy: quarantine.policy,
      protectedRoles: ownRoles,
    });
    this.findings.restrictPublishersTo([
      this.analyzer.role,
      this.remediator.role,
      ...(this.posture ? [this.posture.function.role] : []),
    ]);

    // A message in a dead-letter queue is an alert or a response that did not happen: page as well. Alarm
    // notifications carry no message attributes, so a filtered email subscription would not receive them.
    const workQueues = [analyzerQueue, alerterQueue, remediatorQueue];
    if (this.dailySummary) workQueues.push(this.dailySummary.queue);
    for (const q of workQueues) {
      q.deadLetterAlarm.addAlarmAction(new actions.SnsAction(alerts.topic));
      q.deadLetterAlarm.addAlarmAction(new actions.SnsAction(escalation.topic));
    }
    this.posture?.failureAlarm.addAlarmAction(new actions.SnsAction(alerts.topic));
    this.posture?.failureAlarm.addAlarmAction(new actions.SnsAction(escalation.topic));
    // Watching the watcher. Created after every function and queue: it alarms on and graphs all it finds.
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmTopic: alerts.topic,
      analyzerQueue,
      configPrefix: prefix,
      stateTable: state,
      detections: this.detections,
      poller: this.poller,
      heartbeatMinutes: props.heartbeatMinutes,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('AlertTopicArn', alerts.topic.topicArn, 'SNS topic alerts are published to');
    output(
      'EscalationTopicArn',
      escalation.topic.topicArn,
      'SNS topic for paging: severe findings, failed or stopped remediations, dead-letter alarms',
    );
    output(
      'FindingsBusName',
      this.findings.bus.eventBusName,
      'Event bus carrying TrailGuard findings and outcomes',
    );
    output('AnalyzerQueueUrl', analyzerQueue.queue.queueUrl, 'Queue of CloudTrail events awaiting analysis');
    output(
      'AnalyzerDlqUrl',
      analyzerQueue.deadLetterQueue.queueUrl,
      'CloudTrail events that failed analysis',
    );
    output(
      'AlerterDlqUrl',
      alerterQueue.deadLetterQueue.queueUrl,
      'Findings and outcomes that failed alerting',
    );
    output('RemediatorDlqUrl', remediatorQueue.deadLetterQueue.queueUrl, 'Findings that failed remediation');
    output('StateTableName', state.tableName, 'Engine state and alert dedupe table');
    output('AuditTableName', audit.tableName, 'Remediation audit table (retained on stack deletion)');
    output(
      'QuarantinePolicyArn',
      quarantine.policy.managedPolicyArn,
      'Deny-all policy attached to quarantined principals',
    );
    output('ConfigPrefix', config.prefix, 'SSM path of the run-time configuration');
    output('PollerDlqUrl', this.poller.deadLetterQueue.queueUrl, 'Poller runs that failed for good');
    output('DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard of the pipeline');
    if (this.posture) {
      output('PostureReportsBucket', this.posture.bucket.bucketName, 'S3 bucket of the IAM posture reports');
    }
  }
}
