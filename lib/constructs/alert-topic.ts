import { Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity } from '../../lambdas/engine/types';

export interface AlertTopicProps {
  /** Key the topic is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * Address subscribed to the alerts by email (it must confirm the subscription).
   *
   * @default - no subscription
   */
  readonly alertEmail?: string;
  /**
   * Lowest severity the email subscription receives (an SNS filter policy on the `severity` attribute). The daily
   * summary, which has no severity, is always delivered. Messages without attributes (CloudWatch alarm
   * notifications) do not match a filter policy: route those to a topic without one.
   *
   * @default - every message
   */
  readonly minSeverity?: Severity;
  /**
   * Context key named in validation errors, so a mistyped `-c` value says which option to fix.
   *
   * @default 'alertEmail'
   */
  readonly emailContextKey?: string;
  /**
   * Shown as the sender name of email notifications.
   *
   * @default 'TrailGuard alerts'
   */
  readonly displayName?: string;
}

/** Deliberately simple: one @, no spaces, a dot in the domain. SNS does the real check by sending a confirmation. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws a message that says what was wrong and how to pass it, for a value that does not look like an email. */
export function validateAlertEmail(value: string, contextKey = 'alertEmail'): void {
  if (value.length > 254 || !EMAIL.test(value)) {
    throw new Error(
      `${contextKey} "${value}" does not look like an email address; ` +
        `pass one with: npx cdk deploy -c ${contextKey}=security@example.com`,
    );
  }
}

/** Throws a message naming the allowed values for a severity that is not one. */
export function validateSeverity(value: string, contextKey: string): Severity {
  const severity = SEVERITIES.find((s) => s === value);
  if (severity === undefined) {
    throw new Error(
      `${contextKey} "${value}" is not a severity; use one of ${SEVERITIES.join(', ')}, e.g. ` +
        `npx cdk deploy -c ${contextKey}=medium`,
    );
  }
  return severity;
}

/**
 * The SNS filter policy for "this severity and above, plus the daily summary": severities are attribute values,
 * so "at or above" is the list of them; `$or` adds the summary, which carries `action` but no severity.
 */
export function minSeverityFilterPolicy(minSeverity: Severity): Record<string, unknown> {
  return {
    $or: [{ severity: SEVERITIES.slice(SEVERITIES.indexOf(minSeverity)) }, { action: ['daily-summary'] }],
  };
}

/** An SNS topic TrailGuard publishes to: KMS-encrypted, TLS-only publishing, optional email subscription. */
export class AlertTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly emailSubscription?: sns.Subscription;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const contextKey = props.emailContextKey ?? 'alertEmail';
    if (props.alertEmail !== undefined && !Token.isUnresolved(props.alertEmail)) {
      validateAlertEmail(props.alertEmail, contextKey);
    }
    if (props.minSeverity !== undefined) {
      validateSeverity(props.minSeverity, 'minSeverity');
      if (props.alertEmail === undefined) {
        throw new Error(
          `AlertTopic ${this.node.path}: minSeverity filters the email subscription, so it needs ${contextKey} too`,
        );
      }
    }
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'TrailGuard alerts',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    if (props.alertEmail !== undefined) {
      this.emailSubscription = this.topic.addSubscription(
        new subscriptions.EmailSubscription(props.alertEmail),
      );
      if (props.minSeverity !== undefined) {
        // The typed filterPolicy cannot express $or on message attributes; the CloudFormation property can.
        const subscription = this.emailSubscription.node.defaultChild as sns.CfnSubscription;
        subscription.filterPolicy = minSeverityFilterPolicy(props.minSeverity);
        subscription.filterPolicyScope = 'MessageAttributes';
      }
    }
  }
}
