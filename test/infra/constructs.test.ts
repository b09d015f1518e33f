import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { HANDLER_ENTRIES } from '../../lambdas/shared/contract';
import { AlertTopic, validateAlertEmail } from '../../lib/constructs/alert-topic';
import { ConfigParameters } from '../../lib/constructs/config-parameters';
import { DetectionRules } from '../../lib/constructs/detection-rules';
import { EncryptedQueue } from '../../lib/constructs/encrypted-queue';
import { TrailGuardFunction } from '../../lib/constructs/trailguard-function';

/** A stack that never bundles: these tests are about construct validation, not handler builds. */
function scope(): { stack: Stack; key: kms.Key } {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
  return { stack, key: new kms.Key(stack, 'Key') };
}

const firstRule = catalog[0] as Rule;

describe('EncryptedQueue', () => {
  it('sets the visibility timeout to six times the consumer timeout plus the batching window', () => {
    // Prepare
    const { stack, key } = scope();
    // Act
    new EncryptedQueue(stack, 'Q', {
      encryptionKey: key,
      consumerTimeout: Duration.seconds(40),
      consumerBatchingWindow: Duration.seconds(5),
    });
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 245 });
  });

  it('rejects a consumer timeout whose visibility timeout SQS cannot hold', () => {
    const { stack, key } = scope();
    expect(
      () => new EncryptedQueue(stack, 'Q', { encryptionKey: key, consumerTimeout: Duration.hours(3) }),
    ).toThrow(/above the SQS maximum visibility timeout of 43200 s/);
  });

  it('rejects a maxReceiveCount outside 1..1000', () => {
    const { stack, key } = scope();
    expect(() => new EncryptedQueue(stack, 'Q', { encryptionKey: key, maxReceiveCount: 0 })).toThrow(
      /maxReceiveCount must be an integer from 1 to 1000, got 0/,
    );
  });
});

describe('TrailGuardFunction', () => {
  const fn = (stack: Stack, key: kms.IKey, timeout = Duration.seconds(30)) =>
    new TrailGuardFunction(stack, 'Fn', {
      entry: HANDLER_ENTRIES.alerter,
      serviceName: 'test',
      encryptionKey: key,
      timeout,
    });

  it('refuses a queue whose visibility timeout is shorter than six function timeouts', () => {
    // Prepare
    const { stack, key } = scope();
    const queue = new EncryptedQueue(stack, 'Q', {
      encryptionKey: key,
      consumerTimeout: Duration.seconds(10),
    });
    // Act / Assess
    expect(() => fn(stack, key).consume(queue)).toThrow(
      /visibility timeout of 60 s; consuming it needs at least .* = 180 s/,
    );
  });

  it('fails synthesis when failed invocations would be lost', () => {
    // Prepare
    const { stack, key } = scope();
    fn(stack, key);
    // Act / Assess
    expect(() => Template.fromStack(stack)).toThrow(
      /neither consumes a queue .* nor has an onFailure destination/,
    );
  });

  it('rejects a missing entry, a bad memory size and a timeout above 15 minutes', () => {
    const { stack, key } = scope();
    const base = { serviceName: 'test', encryptionKey: key };
    expect(
      () => new TrailGuardFunction(stack, 'A', { ...base, entry: 'lambdas/handlers/missing.ts' }),
    ).toThrow(/handler entry .*missing\.ts does not exist/);
    expect(
      () => new TrailGuardFunction(stack, 'B', { ...base, entry: HANDLER_ENTRIES.alerter, memorySize: 64 }),
    ).toThrow(/memorySize must be an integer from 128 to 10240 MB, got 64/);
    expect(
      () =>
        new TrailGuardFunction(stack, 'C', {
          ...base,
          entry: HANDLER_ENTRIES.alerter,
          timeout: Duration.minutes(16),
        }),
    ).toThrow(/timeout must be from 1 s to 900 s, got 960 s/);
  });

  it('rejects a config prefix that is not an SSM path', () => {
    const { stack, key } = scope();
    expect(() => fn(stack, key).useConfig('trailguard')).toThrow(
      /config prefix "trailguard" must look like \/name/,
    );
  });
});

describe('DetectionRules', () => {
  const target = (stack: Stack, key: kms.IKey) => new EncryptedQueue(stack, 'Q', { encryptionKey: key });

  it('creates one rule per compiled group, all targeting the queue', () => {
    // Prepare
    const { stack, key } = scope();
    // Act
    const rules = new DetectionRules(stack, 'D', {
      catalog,
      target: target(stack, key),
      maxPatternLength: 600,
    });
    // Assess
    expect(rules.groups.length).toBeGreaterThan(1);
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', rules.groups.length);
  });

  it('refuses to create more rules than its share of the default bus', () => {
    const { stack, key } = scope();
    expect(
      () =>
        new DetectionRules(stack, 'D', {
          catalog,
          target: target(stack, key),
          maxPatternLength: 600,
          maxRules: 1,
        }),
    ).toThrow(/compiles to \d+ EventBridge rules, above the limit of 1/);
  });

  it('rejects an empty catalog, duplicate ids and a pattern limit above 2048', () => {
    const { stack, key } = scope();
    const queue = target(stack, key);
    expect(() => new DetectionRules(stack, 'A', { catalog: [], target: queue })).toThrow(
      /the catalog is empty/,
    );
    expect(() => new DetectionRules(stack, 'B', { catalog: [firstRule, firstRule], target: queue })).toThrow(
      new RegExp(`duplicate rule ids in the catalog: ${firstRule.id.replace(/\./g, '\\.')}`),
    );
    expect(() => new DetectionRules(stack, 'C', { catalog, target: queue, maxPatternLength: 4096 })).toThrow(
      /maxPatternLength must be an integer from 100 to 2048, got 4096/,
    );
  });
});

describe('ConfigParameters', () => {
  it('rejects a reserved prefix and a rule id that is not SSM-safe', () => {
    const { stack } = scope();
    expect(() => new ConfigParameters(stack, 'A', { catalog, prefix: '/aws/trailguard' })).toThrow(
      /prefix "\/aws\/trailguard" starts with a reserved SSM name/,
    );
    expect(() => new ConfigParameters(stack, 'B', { catalog: [{ ...firstRule, id: 'Bad_Id' }] })).toThrow(
      /rule id "Bad_Id" must contain only \[a-z0-9.-\]/,
    );
  });

  it('creates at most five parameters at a time (SSM PutParameter throttling)', () => {
    // Prepare
    const { stack } = scope();
    // Act
    new ConfigParameters(stack, 'C', { catalog });
    const parameters = Template.fromStack(stack).findResources('AWS::SSM::Parameter');
    // Assess
    const independent = Object.values(parameters).filter((p) => p.DependsOn === undefined);
    expect(independent).toHaveLength(5);
  });
});

describe('AlertTopic', () => {
  it('accepts an ordinary address and rejects one with spaces or without a domain', () => {
    expect(() => validateAlertEmail('secops+trailguard@example.co.uk')).not.toThrow();
    expect(() => validateAlertEmail('sec ops@example.com')).toThrow(/does not look like an email address/);
    expect(() => validateAlertEmail('secops@localhost')).toThrow(/does not look like an email address/);
  });

  it('creates no subscription without an address', () => {
    const { stack, key } = scope();
    new AlertTopic(stack, 'T', { encryptionKey: key });
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
