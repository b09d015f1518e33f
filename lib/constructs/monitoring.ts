import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS } from '../../lambdas/shared/contract';
import type { DetectionRules } from './detection-rules';
import { EncryptedQueue } from './encrypted-queue';
import { Heartbeat } from './monitoring-heartbeat';
import { DeploymentManifestParameter } from './monitoring-manifest';
import type { Poller } from './poller';
import { TrailGuardFunction } from './trailguard-function';

/** `service` dimension (POWERTOOLS_SERVICE_NAME) of each function whose own metrics the alarms and dashboard read. */
export const SERVICES = {
  analyzer: 'trailguard-analyzer',
  alerter: 'trailguard-alerter',
  remediator: 'trailguard-remediator',
  poller: 'trailguard-poller',
} as const;

export const MONITORING_DEFAULTS = {
  heartbeatMinutes: 30,
  oldestMessageAge: Duration.minutes(15),
} as const;

/** Throws a clear message for a heartbeat period CloudWatch cannot alarm on or that would alarm on every beat gap. */
export function validateHeartbeatMinutes(minutes: number, where = 'heartbeat'): void {
  if (!Number.isInteger(minutes) || minutes < 10 || minutes > 1440) {
    throw new Error(
      `${where}: heartbeatMinutes must be a whole number of minutes from 10 to 1440 (one day), got ${minutes}`,
    );
  }
}

export interface MonitoringProps {
  /** Every alarm notifies this topic. */
  readonly alarmTopic: sns.ITopic;
  /** The queue EventBridge and the poller feed. */
  readonly analyzerQueue: EncryptedQueue;
  /** SSM path of the run-time configuration (heartbeat and deployment manifest parameters live under it). */
  readonly configPrefix: string;
  /** State table (named in the deployment manifest for `trailguard status`). */
  readonly stateTable: dynamodb.ITable;
  /** The generated default-bus rules: their delivery failures are alarmed. */
  readonly detections: DetectionRules;
  /** The LookupEvents poller: its lag and dead-letter queue are alarmed. */
  readonly poller: Poller;
  /**
   * The heartbeat alarm fires when no CloudTrail event came through EventBridge for this many minutes (10 to 1440).
   *
   * @default 30
   */
  readonly heartbeatMinutes?: number;
  /**
   * The analyzer-queue alarm fires when its oldest message is at least this old.
   *
   * @default Duration.minutes(15)
   */
  readonly oldestMessageAge?: Duration;
  /**
   * Functions whose errors and throttles are alarmed and graphed.
   *
   * @default - every TrailGuardFunction in the stack when this construct is created (create it last)
   */
  readonly functions?: readonly TrailGuardFunction[];
  /**
   * Queues whose dead-letter queues are graphed and listed for `trailguard status` (their alarms belong to them).
   *
   * @default - every EncryptedQueue in the stack when this construct is created
   */
  readonly queues?: readonly EncryptedQueue[];
}

/** One alarm and, for people, what it catches. */
export interface MonitoringAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly catches: string;
}

/**
 * Watching the watcher: alarms that say when TrailGuard itself stops working (function errors and throttles, a stuck
 * analyzer queue, a poller falling behind or failing, no CloudTrail event through EventBridge, rule delivery failures,
 * rules that throw), the heartbeat that makes "no event" meaningful, one dashboard of the pipeline, and the
 * deployment manifest `trailguard status` reads. Every alarm notifies the alarm topic. The work queues' dead-letter
 * alarms belong to the queues and are wired by the stack; the poller's is wired here.
 */
export class Monitoring extends Construct {
  public readonly alarms: readonly MonitoringAlarm[];
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly heartbeat: Heartbeat;
  public readonly manifest: DeploymentManifestParameter;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const heartbeatMinutes = props.heartbeatMinutes ?? MONITORING_DEFAULTS.heartbeatMinutes;
    validateHeartbeatMinutes(heartbeatMinutes, `Monitoring ${this.node.path}`);
    const rate = props.poller.rateMinutes;
    const oldestAge = props.oldestMessageAge ?? MONITORING_DEFAULTS.oldestMessageAge;
    const functions =
      props.functions ??
      stack.node.findAll().filter((c): c is TrailGuardFunction => c instanceof TrailGuardFunction);
    if (functions.length === 0) throw new Error(`Monitoring ${this.node.path}: no function to watch`);
    const queues =
      props.queues ?? stack.node.findAll().filter((c): c is EncryptedQueue => c instanceof EncryptedQueue);
    const deadLetterQueues = [
      ...queues.map((q) => ({ label: queueLabel(q), queue: q.deadLetterQueue })),
      { label: 'poller', queue: props.poller.deadLetterQueue },
    ];

    this.heartbeat = new Heartbeat(this, 'Heartbeat', {
      configPrefix: props.configPrefix,
      analyzerQueue: props.analyzerQueue,
    });
    const eventRules = [
      ...props.detections.groups.map((group, i) => ({ label: `Detections${i + 1}`, rule: group.rule })),
      { label: 'Heartbeat', rule: this.heartbeat.rule },
    ];

    const alarms: MonitoringAlarm[] = [];
    const action = new actions.SnsAction(props.alarmTopic);
    props.poller.deadLetterAlarm.addAlarmAction(action);
    const alarm = (
      alarmId: string,
      catches: string,
      options: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription'>,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, `${alarmId}Alarm`, {
        ...options,
        alarmName: `${stack.stackName}-${kebab(alarmId)}`,
        alarmDescription: `TrailGuard: ${catches}`,
      });
      created.addAlarmAction(action);
      alarms.push({ alarm: created, catches });
      return created;
    };
    const five = Duration.minutes(5);
    const own = (service: string, metricName: string, statistic: string, period = five) =>
      new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName,
        dimensionsMap: { service },
        statistic,
        period,
      });

    for (const fn of functions) {
      const label = functionLabel(fn);
      alarm(
        `${label}Errors`,
        `the ${label.toLowerCase()} function failed (an invocation threw or timed out).`,
        {
          metric: fn.function.metricErrors({ period: five, statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
      alarm(
        `${label}Throttles`,
        `Lambda throttled the ${label.toLowerCase()} function (account concurrency exhausted): its work is delayed.`,
        {
          metric: fn.function.metricThrottles({ period: five, statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
    }

    const queueAge = props.analyzerQueue.queue.metricApproximateAgeOfOldestMessage({
      period: five,
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    alarm(
      'AnalyzerQueueAge',
      `the oldest CloudTrail event in the analyzer queue has waited ${oldestAge.toMinutes()} minutes or more: the ` +
        'analyzer is stuck, failing or far behind, and detections are late.',
      {
        metric: queueAge,
        threshold: oldestAge.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    // A run reports its lag; three missed runs (no datapoint) or a lag of three runs means it fell behind.
    const lagPeriod = Duration.minutes(3 * rate);
    const lagThreshold = Math.max(15 * 60, 3 * rate * 60);
    const pollerLag = own(SERVICES.poller, METRICS.pollerLag, cloudwatch.Stats.MAXIMUM, lagPeriod);
    alarm(
      'PollerLag',
      `the LookupEvents poller has not completed a run in ${3 * rate} minutes, or the event history it has ` +
        `collected is more than ${lagThreshold / 60} minutes old (failing, throttled, or behind a backlog).`,
      {
        metric: pollerLag,
        threshold: lagThreshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );

    const eventBridgeEvents = own(
      SERVICES.analyzer,
      METRICS.eventBridgeEvents,
      cloudwatch.Stats.SUM,
      Duration.minutes(heartbeatMinutes),
    );
    alarm(
      'Heartbeat',
      `no CloudTrail event reached the analyzer through EventBridge for ${heartbeatMinutes} minutes, although a ` +
        'heartbeat event is written every few minutes: the trail stopped logging, EventBridge delivery or the ' +
        'heartbeat rule is broken, or the analyzer is not running.',
      {
        metric: eventBridgeEvents,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );

    for (const { label, rule } of eventRules) {
      alarm(
        `${label}DeliveryFailures`,
        `EventBridge could not deliver events of rule ${label} to the analyzer queue (queue policy, key ` +
          'policy or a deleted queue); they go to its dead-letter queue.',
        {
          metric: new cloudwatch.Metric({
            namespace: 'AWS/Events',
            metricName: 'FailedInvocations',
            dimensionsMap: { RuleName: rule.ref },
            statistic: cloudwatch.Stats.SUM,
            period: five,
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
    }

    alarm(
      'RuleErrors',
      'a detection threw on an event: that rule missed it (the other rules still ran); the analyzer log names the ' +
        'rule and the event id.',
      {
        metric: own(SERVICES.analyzer, 'RuleErrors', cloudwatch.Stats.SUM),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    this.alarms = alarms;

    const search = (label: string, schema: string, term: string, statistic: string) =>
      new cloudwatch.SearchExpression({
        expression: `SEARCH('{${METRICS.namespace},${schema}} ${term}', '${statistic}', 300)`,
        label,
        period: five,
      });
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: stack.stackName,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'TrailGuard health',
        alarms: alarms.map((a) => a.alarm),
        width: 24,
        height: 4,
      }),
    );
    this.dashboard.addWidgets(
      graph('Events analysed', [
        own(SERVICES.analyzer, 'EventsAnalyzed', cloudwatch.Stats.SUM).with({ label: 'analysed' }),
        own(SERVICES.analyzer, METRICS.eventBridgeEvents, cloudwatch.Stats.SUM).with({
          label: 'via EventBridge',
        }),
        own(SERVICES.poller, METRICS.polledEvents, cloudwatch.Stats.SUM).with({
          label: 'read by the poller',
        }),
        own(SERVICES.poller, METRICS.polledEventsForwarded, cloudwatch.Stats.SUM).with({
          label: 'sent by the poller',
        }),
      ]),
      graph('Findings by severity', [
        search('', 'service,severity', `MetricName="${METRICS.findings}"`, 'Sum'),
      ]),
      graph('Findings by rule', [search('', 'service,rule', `MetricName="${METRICS.findings}"`, 'Sum')]),
    );
    this.dashboard.addWidgets(
      // Every Remediation<Outcome> metric of the remediator, including outcomes added later.
      graph('Remediations by outcome', [
        search('', 'service', `service="${SERVICES.remediator}" Remediation`, 'Sum'),
      ]),
      graph('End-to-end latency: event time to alert (ms)', [
        own(SERVICES.alerter, METRICS.alertLatency, 'p50').with({ label: 'p50' }),
        own(SERVICES.alerter, METRICS.alertLatency, 'p90').with({ label: 'p90' }),
        own(SERVICES.alerter, METRICS.alertLatency, cloudwatch.Stats.MAXIMUM).with({ label: 'max' }),
      ]),
      graph('Poller lag (s)', [pollerLag.with({ period: five, label: 'lag' })], {
        leftAnnotations: [{ value: lagThreshold, label: 'alarm' }],
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Dead-letter queue depth',
        deadLetterQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: five,
            statistic: cloudwatch.Stats.MAXIMUM,
            label,
          }),
        ),
      ),
      graph(
        'Analyzer queue',
        [
          props.analyzerQueue.queue.metricApproximateNumberOfMessagesVisible({
            period: five,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'messages',
          }),
        ],
        { right: [queueAge.with({ label: 'oldest (s)' })] },
      ),
      graph(
        'Function errors and throttles',
        functions.flatMap((fn) => [
          fn.function.metricErrors({
            period: five,
            statistic: cloudwatch.Stats.SUM,
            label: `${functionLabel(fn)} errors`,
          }),
          fn.function.metricThrottles({
            period: five,
            statistic: cloudwatch.Stats.SUM,
            label: `${functionLabel(fn)} throttles`,
          }),
        ]),
      ),
    );

    this.manifest = new DeploymentManifestParameter(this, 'Manifest', {
      configPrefix: props.configPrefix,
      manifest: {
        stateTable: props.stateTable.tableName,
        queues: [
          ...queues.map((q) => ({
            name: queueLabel(q),
            url: q.queue.queueUrl,
            deadLetterUrl: q.deadLetterQueue.queueUrl,
          })),
          { name: 'poller', deadLetterUrl: props.poller.deadLetterQueue.queueUrl },
        ],
        rules: eventRules.map(({ label, rule }) => ({ name: rule.ref, purpose: label })),
        pollerRegions: props.poller.regions,
        pollerRateMinutes: rate,
        dashboardName: this.dashboard.dashboardName,
      },
    });
  }
}

/** `analyzer` for the stack's `AnalyzerQueue`. */
function queueLabel(queue: EncryptedQueue): string {
  return queue.node.id.replace(/Queue$/, '').replace(/^./, (c) => c.toLowerCase());
}

/** `Analyzer` for the stack's `Analyzer` function, `Poller` for `Poller/Function`. */
function functionLabel(fn: TrailGuardFunction): string {
  const own = fn.node.id === 'Function' ? fn.node.scope?.node.id : fn.node.id;
  return (own ?? fn.node.id).replace(/[^A-Za-z0-9]/g, '');
}

function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
