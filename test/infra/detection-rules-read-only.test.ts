/**
 * Read-only management events: the generated EventBridge rules' state, from the construct prop and from the
 * app's `readOnlyEvents` context.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../lambdas/rules';
import { DetectionRules } from '../../lib/constructs/detection-rules';
import { EncryptedQueue } from '../../lib/constructs/encrypted-queue';
import { createTrailGuardStack } from '../../lib/trailguard-app';
import { synth } from './synth';

const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

function detectionRules(readOnlyEvents?: boolean): { rules: DetectionRules; template: Template } {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
  const target = new EncryptedQueue(stack, 'Q', { encryptionKey: new kms.Key(stack, 'Key') });
  const rules = new DetectionRules(stack, 'D', {
    catalog,
    target,
    maxPatternLength: 600,
    ...(readOnlyEvents === undefined ? {} : { readOnlyEvents }),
  });
  return { rules, template: Template.fromStack(stack) };
}

/** The `State` of every EventBridge rule the detections created. */
function detectionStates(template: Template, rules: DetectionRules): string[] {
  const resources = template.findResources('AWS::Events::Rule');
  const ids = new Set(rules.groups.map((g) => Stack.of(g.rule).resolve(g.rule.logicalId) as string));
  return Object.entries(resources)
    .filter(([id]) => ids.has(id))
    .map(([, r]) => r.Properties.State as string);
}

// Synthesis is CPU-bound and slow when the whole suite runs in parallel.
describe('DetectionRules read-only events', { timeout: 120_000 }, () => {
  it('creates every rule ENABLED, which excludes read-only management events, by default', () => {
    // Act
    const { rules, template } = detectionRules();

    // Assess
    expect(rules.state).toBe('ENABLED');
    const states = detectionStates(template, rules);
    expect(states).toHaveLength(rules.groups.length);
    expect(new Set(states)).toEqual(new Set(['ENABLED']));
  });

  it('creates every rule with all CloudTrail management events when readOnlyEvents is true', () => {
    // Act
    const { rules, template } = detectionRules(true);

    // Assess
    expect(rules.state).toBe(ALL_MANAGEMENT_EVENTS);
    const states = detectionStates(template, rules);
    expect(states).toHaveLength(rules.groups.length);
    expect(new Set(states)).toEqual(new Set([ALL_MANAGEMENT_EVENTS]));
    // The patterns themselves do not change: the state only widens which events are matched against them.
    expect(rules.groups.map((g) => g.pattern)).toEqual(
      detectionRules(false).rules.groups.map((g) => g.pattern),
    );
  });
});

describe('readOnlyEvents context', { timeout: 120_000 }, () => {
  it('leaves the detection rules ENABLED when the context is not given', () => {
    // Act
    const { stack, template } = synth();

    // Assess
    expect(stack.detections.state).toBe('ENABLED');
    for (const group of stack.detections.groups) {
      template.hasResource('AWS::Events::Rule', {
        Properties: { State: 'ENABLED', Description: group.rule.description },
      });
    }
  });

  it.each([
    ['the string "true" (-c readOnlyEvents=true)', 'true'],
    ['the boolean true (cdk.json)', true],
  ])('switches every detection rule to all management events for %s', (_label, value) => {
    // Act
    const { stack, template } = synth({ context: { readOnlyEvents: value } });

    // Assess
    expect(stack.detections.state).toBe(ALL_MANAGEMENT_EVENTS);
    expect(stack.detections.groups.length).toBeGreaterThan(0);
    for (const group of stack.detections.groups) {
      template.hasResource('AWS::Events::Rule', {
        Properties: { State: ALL_MANAGEMENT_EVENTS, Description: group.rule.description },
      });
    }
  });

  it('rejects a value that is not true or false', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], readOnlyEvents: 'yes' } });

    // Act / Assess
    expect(() => createTrailGuardStack(app)).toThrow(
      'context "readOnlyEvents" must be true or false, got "yes"',
    );
  });
});
