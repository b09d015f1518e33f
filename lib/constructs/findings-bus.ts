import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DETAIL_TYPE, FINDING_SOURCE } from '../../lambdas/shared/contract';
import type { EncryptedQueue } from './encrypted-queue';

export interface FindingsBusProps {
  /** Receives findings and remediation outcomes. */
  readonly alerterQueue: EncryptedQueue;
  /** Receives findings. */
  readonly remediatorQueue: EncryptedQueue;
  /**
   * Name of the bus (unique per account and region).
   *
   * @default - `<stack name>-findings`
   */
  readonly eventBusName?: string;
  /**
   * How long EventBridge retries delivering to a queue before the event goes to the queue's dead-letter queue.
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/**
 * The custom bus TrailGuard's findings travel on, and its two routes:
 * findings and remediation outcomes → alerter queue; findings → remediator queue.
 * Integrations (tickets, chat) add their own rules on this bus without touching TrailGuard.
 */
export class FindingsBus extends Construct {
  public readonly bus: events.EventBus;
  /** Findings and remediation outcomes → alerter queue. */
  public readonly alertRule: events.Rule;
  /** Findings → remediator queue. */
  public readonly remediationRule: events.Rule;

  constructor(scope: Construct, id: string, props: FindingsBusProps) {
    super(scope, id);
    const eventBusName = props.eventBusName ?? `${Stack.of(this).stackName}-findings`;
    if (!/^[a-zA-Z0-9._-]{1,256}$/.test(eventBusName) || eventBusName === 'default') {
      throw new Error(
        `FindingsBus ${this.node.path}: eventBusName "${eventBusName}" must be 1-256 characters of [a-zA-Z0-9._-] and not "default"`,
      );
    }
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    const ageSeconds = maxEventAge.toSeconds();
    if (ageSeconds < 60 || ageSeconds > 86_400) {
      throw new Error(
        `FindingsBus ${this.node.path}: maxEventAge must be from 60 s to 24 h, got ${ageSeconds} s`,
      );
    }

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName,
      description: 'TrailGuard findings and remediation outcomes',
    });
    this.alertRule = new events.Rule(this, 'AlertRule', {
      eventBus: this.bus,
      description: 'TrailGuard findings and remediation outcomes to the alerter',
      eventPattern: {
        source: [FINDING_SOURCE],
        detailType: [DETAIL_TYPE.finding, DETAIL_TYPE.remediationOutcome],
      },
      targets: [queueTarget(props.alerterQueue, ageSeconds)],
    });
    this.remediationRule = new events.Rule(this, 'RemediationRule', {
      eventBus: this.bus,
      description: 'TrailGuard findings to the remediator',
      eventPattern: { source: [FINDING_SOURCE], detailType: [DETAIL_TYPE.finding] },
      targets: [queueTarget(props.remediatorQueue, ageSeconds)],
    });
    props.alerterQueue.allowSendFromRules([this.alertRule.ruleArn]);
    props.remediatorQueue.allowSendFromRules([this.remediationRule.ruleArn]);
  }

  /**
   * Denies events:PutEvents on the bus to every principal except these roles. The remediator acts on what arrives
   * here, so a forged finding from anyone else in the account must not get onto the bus.
   */
  public restrictPublishersTo(roles: readonly iam.IRole[]): void {
    if (roles.length === 0) {
      throw new Error(`FindingsBus ${this.node.path}: restrictPublishersTo needs at least one role`);
    }
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTrailGuardPublishesFindings',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': roles.map((role) => role.roleArn) } },
      }),
    );
  }
}

/** The queue as a rule target, with EventBridge's retries bounded and the queue's dead-letter queue as fallback. */
function queueTarget(target: EncryptedQueue, maxEventAgeSeconds: number): events.IRuleTarget {
  return {
    bind: () => ({
      arn: target.queue.queueArn,
      targetResource: target.queue,
      deadLetterConfig: { arn: target.deadLetterQueue.queueArn },
      retryPolicy: { maximumEventAgeInSeconds: maxEventAgeSeconds, maximumRetryAttempts: 185 },
    }),
  };
}
