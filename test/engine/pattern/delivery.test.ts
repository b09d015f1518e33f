import { describe, expect, it } from 'vitest';
import { compileEventBridgePatterns, deliveryPatterns } from '../../../lambdas/engine/pattern/compile';
import { matchesPattern } from '../../../lambdas/engine/pattern/match';
import type { Rule } from '../../../lambdas/engine/types';

const sequenceRule = {
  id: 'iam.backdoor-user-chain',
  match: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateAccessKey'] },
  sequence: {
    firstLabel: 'CreateUser',
    first: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser'] },
    keyOfFirst: () => 'k',
    keyOfSecond: () => 'k',
    withinSeconds: 600,
  },
} as unknown as Rule;
const plainRule = {
  id: 'cloudtrail.logging-stopped',
  match: { eventName: ['StopLogging'] },
} as unknown as Rule;

const envelope = (eventName: string) => ({
  source: 'aws.iam',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventSource: 'iam.amazonaws.com', eventName },
});

describe('deliveryPatterns', () => {
  it('delivers both steps of a sequence rule, so its first step reaches the analyzer in the cloud', () => {
    // Act
    const entries = deliveryPatterns([sequenceRule, plainRule]);
    const groups = compileEventBridgePatterns(entries);
    const delivered = (eventName: string) =>
      groups.some((g) => matchesPattern(g.pattern, envelope(eventName)));
    // Assess
    expect(entries.map((e) => e.id)).toEqual([
      'iam.backdoor-user-chain',
      'iam.backdoor-user-chain/first',
      'cloudtrail.logging-stopped',
    ]);
    expect(delivered('CreateUser')).toBe(true);
    expect(delivered('CreateAccessKey')).toBe(true);
    expect(delivered('DeleteUser')).toBe(false);
  });
});
