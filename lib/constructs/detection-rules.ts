import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { compileEventBridgePatterns, deliveryPatterns } from '../../lambdas/engine/pattern/compile';
import type { EventPattern, Rule } from '../../lambdas/engine/types';
import type { EncryptedQueue } from './encrypted-queue';

/** EventBridge allows 300 rules per bus (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). */
export const EVENTBRIDGE_RULES_PER_BUS = 300;
/** Longest event pattern we emit, in characters of its JSON. */
export const MAX_PATTERN_LENGTH = 2048;

export interface DetectionRulesProps {
  /** The detections. Each rule's `match` is compiled into the rules' event patterns. */
  readonly catalog: readonly Rule[];
  /** Queue the matching CloudTrail events go to (its dead-letter queue also takes undeliverable events). */
  readonly target: EncryptedQueue;
  /**
   * Most EventBridge rules this construct may create. The default bus is shared with everything else in the
   * account (300 rules), so TrailGuard keeps to a third of it.
   *
   * @default 100
   */
  readonly maxRules?: number;
  /**
   * Longest event pattern, in characters of its JSON (at most 2048).
   *
   * @default 2048
   */
  readonly maxPatternLength?: number;
  /**
   * How long EventBridge retries delivering to the queue before the event goes to the dead-letter queue.
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
  /**
   * Also deliver read-only management events that match the patterns, by creating every rule in the state
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`. With the default state `ENABLED`, EventBridge does not match
   * read-only management events (calls named `Describe*`, `Get*`, `List*` such as `GetSecretValue` and
   * `GetPasswordData`, apart from those AWS documents as mutating, such as `GetSessionToken`) against the rules at
   * all, so detections built on them (secret-retrieval bursts, password-data bursts, discovery, root read-only
   * calls, access denied on read calls) only see what the poller reads from CloudTrail's event history.
   *
   * Cost: every read-only management event in the account and region is then matched against the patterns, and
   * those that match reach the analyzer queue. EventBridge does not charge for AWS management events delivered to
   * a target in the same account (its pricing page: AWS management events are ingested by the event bus for free;
   * delivery is priced for a service in another account); what grows is downstream: one SQS message and a share of an
   * analyzer Lambda invocation per matching event, and DynamoDB writes for threshold counters. Read-only events
   * are the bulk of most accounts' CloudTrail volume, so rules with broad read-only patterns are what drive it.
   * The trail must log read management events (`ReadWriteType: All`), as a default trail does.
   *
   * @default false
   */
  readonly readOnlyEvents?: boolean;
}

/** One generated EventBridge rule and the detections it serves. */
export interface DetectionRuleGroup {
  readonly ruleIds: readonly string[];
  readonly pattern: EventPattern;
  readonly rule: events.CfnRule;
}

/**
 * EventBridge rules on the account's default bus, generated from the detection catalog, that send matching
 * CloudTrail events to the analyzer queue, so events no detection cares about never invoke a Lambda.
 *
 * `CfnRule` rather than `Rule`: the compiler returns complete envelope patterns (`detail-type`, `detail`,
 * content filters, `$or`) that the L2 `EventPattern` type cannot express, and the target's permissions are
 * written explicitly (queue policy naming these rules, no wildcard principal conditions).
 */
export class DetectionRules extends Construct {
  public readonly groups: readonly DetectionRuleGroup[];
  /** The state every generated rule is created in. */
  public readonly state: 'ENABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

  constructor(scope: Construct, id: string, props: DetectionRulesProps) {
    super(scope, id);
    const where = `DetectionRules ${this.node.path}`;
    const maxRules = props.maxRules ?? 100;
    const maxPatternLength = props.maxPatternLength ?? MAX_PATTERN_LENGTH;
    const maxEventAge = props.maxEventAge ?? Duration.hours(24);
    if (!Number.isInteger(maxRules) || maxRules < 1 || maxRules > EVENTBRIDGE_RULES_PER_BUS) {
      throw new Error(
        `${where}: maxRules must be an integer from 1 to ${EVENTBRIDGE_RULES_PER_BUS}, got ${maxRules}`,
      );
    }
    if (
      !Number.isInteger(maxPatternLength) ||
      maxPatternLength < 100 ||
      maxPatternLength > MAX_PATTERN_LENGTH
    ) {
      throw new Error(
        `${where}: maxPatternLength must be an integer from 100 to ${MAX_PATTERN_LENGTH}, got ${maxPatternLength}`,
      );
    }
    const ageSeconds = maxEventAge.toSeconds();
    if (ageSeconds < 60 || ageSeconds > 86_400) {
      throw new Error(`${where}: maxEventAge must be from 60 s to 24 h, got ${ageSeconds} s`);
    }
    if (props.catalog.length === 0) {
      throw new Error(`${where}: the catalog is empty; there is nothing to detect`);
    }
    const ids = props.catalog.map((rule) => rule.id);
    const duplicates = ids.filter((ruleId, index) => ids.indexOf(ruleId) !== index);
    if (duplicates.length > 0) {
      throw new Error(`${where}: duplicate rule ids in the catalog: ${[...new Set(duplicates)].join(', ')}`);
    }

    this.state = props.readOnlyEvents === true ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED';

    // A sequence rule needs its first step delivered too (as `<id>/first`).
    const entries = deliveryPatterns(props.catalog);
    const compiled = compileEventBridgePatterns(entries, { maxPatternLength });
    if (compiled.length > maxRules) {
      throw new Error(
        `${where}: the catalog compiles to ${compiled.length} EventBridge rules, above the limit of ${maxRules} ` +
          `(the default bus holds ${EVENTBRIDGE_RULES_PER_BUS} rules for the whole account)`,
      );
    }
    const covered = new Set(compiled.flatMap((group) => group.ruleIds));
    const uncovered = entries.map((entry) => entry.id).filter((entryId) => !covered.has(entryId));
    if (uncovered.length > 0) {
      throw new Error(`${where}: no event pattern covers these rules: ${uncovered.join(', ')}`);
    }

    this.groups = compiled.map((group, index) => {
      const length = JSON.stringify(group.pattern).length;
      if (length > maxPatternLength) {
        throw new Error(
          `${where}: the pattern for ${group.ruleIds.join(', ')} is ${length} characters, above ${maxPatternLength}`,
        );
      }
      const rule = new events.CfnRule(this, `Group${index + 1}`, {
        description: truncate(`TrailGuard detections: ${group.ruleIds.join(', ')}`, 512),
        state: this.state,
        eventPattern: group.pattern,
        targets: [
          {
            id: 'AnalyzerQueue',
            arn: props.target.queue.queueArn,
            deadLetterConfig: { arn: props.target.deadLetterQueue.queueArn },
            retryPolicy: { maximumEventAgeInSeconds: ageSeconds, maximumRetryAttempts: 185 },
          },
        ],
      });
      return { ruleIds: [...group.ruleIds], pattern: group.pattern, rule };
    });

    props.target.allowSendFromRules(this.groups.map((group) => group.rule.attrArn));
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
