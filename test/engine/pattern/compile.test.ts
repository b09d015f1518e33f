import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileEventBridgePatterns,
  countCombinations,
  DEFAULT_MAX_OR_COMBINATIONS,
  toEnvelopePattern,
} from '../../../lambdas/engine/pattern/compile';
import { InvalidPatternError, matchesPattern } from '../../../lambdas/engine/pattern/match';
import type { EventPattern } from '../../../lambdas/engine/types';
import { CLOUDTRAIL_DETAIL_TYPES } from '../../../lambdas/shared/contract';

interface TestRule {
  readonly id: string;
  readonly match: EventPattern;
}

function wrap(record: unknown, detailType: string = CLOUDTRAIL_DETAIL_TYPES[0]): unknown {
  return { version: '0', source: 'aws.x', 'detail-type': detailType, detail: record };
}

function groupOf(groups: ReturnType<typeof compileEventBridgePatterns>, ruleId: string) {
  const group = groups.find((g) => g.ruleIds.includes(ruleId));
  if (!group) throw new Error(`no group holds ${ruleId}`);
  return group;
}

describe('toEnvelopePattern', () => {
  it('wraps the record pattern in detail when given a rule pattern', () => {
    // Prepare
    const match: EventPattern = { eventName: ['StopLogging'] };

    // Act
    const envelope = toEnvelopePattern(match);

    // Assess
    expect(envelope).toEqual({ 'detail-type': [...CLOUDTRAIL_DETAIL_TYPES], detail: match });
  });
});

describe('countCombinations', () => {
  it('adds alternatives and multiplies nested $or when a pattern nests them', () => {
    // Prepare
    const pattern: EventPattern = {
      eventSource: ['iam.amazonaws.com'],
      $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }, { e: ['5'] }] }],
      userIdentity: { $or: [{ type: ['Root'] }, { type: ['IAMUser'] }] },
    };

    // Act
    const combinations = countCombinations(pattern);

    // Assess
    expect(combinations).toBe((1 + 3) * 2);
  });
});

describe('compileEventBridgePatterns', () => {
  it('uses the rule pattern as detail when there is one rule', () => {
    // Prepare
    const rules: TestRule[] = [
      {
        id: 'cloudtrail.logging-stopped',
        match: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] },
      },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groups).toEqual([
      {
        ruleIds: ['cloudtrail.logging-stopped'],
        pattern: {
          'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
          detail: { eventName: ['StopLogging'], eventSource: ['cloudtrail.amazonaws.com'] },
        },
      },
    ]);
  });

  it('merges eventName lists when rules share eventSource and have no other constraint', () => {
    // Prepare
    const rules: TestRule[] = [
      {
        id: 'cloudtrail.logging-stopped',
        match: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] },
      },
      {
        id: 'cloudtrail.trail-deleted',
        match: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['DeleteTrail'] },
      },
      {
        id: 'cloudtrail.trail-updated',
        match: { eventName: ['UpdateTrail', 'PutEventSelectors'], eventSource: ['cloudtrail.amazonaws.com'] },
      },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groups).toHaveLength(1);
    expect(groups[0]?.ruleIds).toEqual([
      'cloudtrail.logging-stopped',
      'cloudtrail.trail-deleted',
      'cloudtrail.trail-updated',
    ]);
    expect(groups[0]?.pattern.detail).toEqual({
      eventName: ['DeleteTrail', 'PutEventSelectors', 'StopLogging', 'UpdateTrail'],
      eventSource: ['cloudtrail.amazonaws.com'],
    });
  });

  it('keeps rules as $or alternatives when one has a constraint the other lacks', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'iam.user-created', match: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser'] } },
      {
        id: 'iam.root-key-created',
        match: {
          eventSource: ['iam.amazonaws.com'],
          eventName: ['CreateAccessKey'],
          userIdentity: { type: ['Root'] },
        },
      },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groups).toHaveLength(1);
    expect(groups[0]?.pattern.detail).toEqual({
      $or: [
        {
          eventName: ['CreateAccessKey'],
          eventSource: ['iam.amazonaws.com'],
          userIdentity: { type: ['Root'] },
        },
        { eventName: ['CreateUser'], eventSource: ['iam.amazonaws.com'] },
      ],
    });
    expect(
      matchesPattern(
        groups[0]?.pattern as EventPattern,
        wrap({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          userIdentity: { type: 'IAMUser' },
        }),
      ),
    ).toBe(false);
  });

  it('absorbs a narrower rule when a broader rule lacks its only extra key', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'kms.any', match: { eventSource: ['kms.amazonaws.com'] } },
      {
        id: 'kms.key-deletion',
        match: { eventSource: ['kms.amazonaws.com'], eventName: ['ScheduleKeyDeletion'] },
      },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groups).toEqual([
      {
        ruleIds: ['kms.any', 'kms.key-deletion'],
        pattern: toEnvelopePattern({ eventSource: ['kms.amazonaws.com'] }),
      },
    ]);
  });

  it('merges eventSource lists when rules share the eventName list', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'a', match: { eventSource: ['s3.amazonaws.com'], eventName: ['PutBucketPolicy'] } },
      { id: 'b', match: { eventSource: ['s3.amazonaws.com'], eventName: ['DeleteBucketPolicy'] } },
      {
        id: 'c',
        match: {
          eventSource: ['glacier.amazonaws.com'],
          eventName: ['DeleteBucketPolicy', 'PutBucketPolicy'],
        },
      },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groups.map((g) => g.pattern.detail)).toEqual([
      {
        eventName: ['DeleteBucketPolicy', 'PutBucketPolicy'],
        eventSource: ['glacier.amazonaws.com', 's3.amazonaws.com'],
      },
    ]);
  });

  it('splices the alternatives in when a rule pattern is only an $or', () => {
    // Prepare
    const rules: TestRule[] = [
      {
        id: 'a',
        match: { $or: [{ eventName: ['StopLogging'] }, { eventName: ['DeleteTrail'], readOnly: [false] }] },
      },
      { id: 'b', match: { eventSource: ['iam.amazonaws.com'], errorCode: [{ exists: true }] } },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    const detail = groups[0]?.pattern.detail as EventPattern;
    expect(groups).toHaveLength(1);
    expect(detail.$or).toHaveLength(3);
    expect(countCombinations(detail)).toBe(3);
  });

  it('starts a new group when the combined pattern would exceed maxPatternLength', () => {
    // Prepare
    const rules: TestRule[] = Array.from({ length: 12 }, (_, i) => ({
      id: `r${String(i).padStart(2, '0')}`,
      match: {
        eventSource: [`service${i}.amazonaws.com`],
        userAgent: [{ prefix: `agent-${i}-`.padEnd(60, 'x') }],
      },
    }));

    // Act
    const groups = compileEventBridgePatterns(rules, { maxPatternLength: 400 });

    // Assess
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) expect(JSON.stringify(group.pattern).length).toBeLessThanOrEqual(400);
    expect(groups.flatMap((g) => g.ruleIds).sort()).toEqual(rules.map((r) => r.id));
  });

  it('throws naming the rule and its length when one rule cannot fit', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'small', match: { eventName: ['StopLogging'] } },
      { id: 'huge', match: { eventName: Array.from({ length: 200 }, (_, i) => `SomeApiCall${i}`) } },
    ];
    const length = JSON.stringify(toEnvelopePattern(rules[1]?.match as EventPattern)).length;

    // Act
    const act = () => compileEventBridgePatterns(rules);

    // Assess
    expect(act).toThrow(
      `rule huge: its EventBridge pattern is ${length} characters, over the 2048-character limit`,
    );
  });

  it('throws naming the rule when its own $or combinations exceed the limit', () => {
    // Prepare
    const alternatives = (field: string) => Array.from({ length: 40 }, (_, i) => ({ [field]: [`v${i}`] }));
    const rules: TestRule[] = [
      { id: 'explosive', match: { a: { $or: alternatives('x') }, b: { $or: alternatives('y') } } },
    ];

    // Act
    const act = () => compileEventBridgePatterns(rules, { maxPatternLength: 100_000 });

    // Assess
    expect(act).toThrow(
      'rule explosive: its EventBridge pattern expands into 1600 $or combinations, over the limit of 1000',
    );
  });

  it('keeps each group within the $or combination limit when rules expand into many combinations', () => {
    // Prepare
    const rule = (i: number): TestRule => ({
      id: `r${i}`,
      match: {
        eventSource: [`s${i}.amazonaws.com`],
        eventName: [`Call${i}`],
        userIdentity: { $or: Array.from({ length: 20 }, (_, j) => ({ type: [`T${j}`] })) },
        $or: Array.from({ length: 20 }, (_, j) => ({ errorCode: [`E${j}`] })),
      },
    });
    const rules = Array.from({ length: 6 }, (_, i) => rule(i));

    // Act
    const groups = compileEventBridgePatterns(rules, { maxPatternLength: 100_000 });

    // Assess
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(countCombinations(group.pattern)).toBeLessThanOrEqual(DEFAULT_MAX_OR_COMBINATIONS);
    }
  });

  it('gives a rule its own group when it uses an operator name as a field name', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'odd', match: { requestParameters: { prefix: ['logs/'] } } },
      { id: 'plain-1', match: { eventName: ['StopLogging'] } },
      { id: 'plain-2', match: { eventSource: ['iam.amazonaws.com'], readOnly: [false] } },
    ];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groupOf(groups, 'odd').ruleIds).toEqual(['odd']);
    expect(groupOf(groups, 'odd').pattern.detail).toEqual({ requestParameters: { prefix: ['logs/'] } });
    expect(groupOf(groups, 'plain-1').ruleIds).toEqual(['plain-1', 'plain-2']);
  });

  it('throws InvalidPatternError naming the rule when a match is malformed', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'broken', match: { eventName: [{ prefx: 'Stop' }] } as unknown as EventPattern },
    ];

    // Act
    const act = () => compileEventBridgePatterns(rules);

    // Assess
    expect(act).toThrow(InvalidPatternError);
    expect(act).toThrow('rule broken: match.eventName[0]: unknown operator "prefx"');
  });

  it('throws when two rules share an id', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'same', match: { eventName: ['A'] } },
      { id: 'same', match: { eventName: ['B'] } },
    ];

    // Act
    const act = () => compileEventBridgePatterns(rules);

    // Assess
    expect(act).toThrow('rule same: duplicate rule id');
  });

  it('throws when maxPatternLength is not a positive integer', () => {
    // Prepare
    const rules: TestRule[] = [{ id: 'a', match: { eventName: ['A'] } }];

    // Act
    const act = () => compileEventBridgePatterns(rules, { maxPatternLength: 0 });

    // Assess
    expect(act).toThrow('maxPatternLength must be a positive integer, got 0');
  });

  it('returns no groups when there are no rules', () => {
    // Prepare
    const rules: TestRule[] = [];

    // Act
    const groups = compileEventBridgePatterns(rules);

    // Assess
    expect(groups).toEqual([]);
  });

  it('returns byte-identical output when the same rules come in another order', () => {
    // Prepare
    const rules: TestRule[] = [
      { id: 'c', match: { eventSource: ['s3.amazonaws.com'], eventName: ['PutBucketAcl'] } },
      { id: 'a', match: { eventName: ['StopLogging'], eventSource: ['cloudtrail.amazonaws.com'] } },
      { id: 'b', match: { eventSource: ['s3.amazonaws.com'], eventName: ['PutBucketPolicy'] } },
      { id: 'd', match: { userIdentity: { type: ['Root'] }, eventSource: ['signin.amazonaws.com'] } },
    ];

    // Act
    const first = JSON.stringify(compileEventBridgePatterns(rules));
    const again = JSON.stringify(compileEventBridgePatterns(rules));
    const reversed = JSON.stringify(compileEventBridgePatterns([...rules].reverse()));

    // Assess
    expect(again).toBe(first);
    expect(reversed).toBe(first);
  });

  it('matches console sign-in envelopes and rejects other detail types when compiled', () => {
    // Prepare
    const [group] = compileEventBridgePatterns([
      {
        id: 'signin.root',
        match: { eventSource: ['signin.amazonaws.com'], userIdentity: { type: ['Root'] } },
      },
    ]);
    const record = {
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      userIdentity: { type: 'Root' },
    };

    // Act
    const signIn = matchesPattern(
      group?.pattern as EventPattern,
      wrap(record, 'AWS Console Sign In via CloudTrail'),
    );
    const other = matchesPattern(
      group?.pattern as EventPattern,
      wrap(record, 'AWS Service Event via CloudTrail'),
    );

    // Assess
    expect(signIn).toBe(true);
    expect(other).toBe(false);
  });
});

describe('compileEventBridgePatterns: properties', () => {
  const sources = ['iam.amazonaws.com', 's3.amazonaws.com', 'ec2.amazonaws.com', 'cloudtrail.amazonaws.com'];
  const names = [
    'CreateUser',
    'DeleteTrail',
    'StopLogging',
    'PutBucketPolicy',
    'RunInstances',
    'CreateAccessKey',
  ];
  const extras: EventPattern[] = [
    { errorCode: [{ exists: false }] },
    { errorCode: ['AccessDenied'] },
    { userIdentity: { type: ['Root'] } },
    { userIdentity: { type: [{ 'anything-but': 'AWSService' }] } },
    { readOnly: [false] },
    { sourceIPAddress: [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }] },
    { awsRegion: [{ prefix: 'us-' }] },
    { $or: [{ errorCode: [{ exists: true }] }, { readOnly: [true] }] },
    { requestParameters: { bucketName: [{ wildcard: '*-logs' }] } },
    { requestParameters: { bucketName: [{ exists: false }] } },
    { eventName: [{ prefix: 'Delete' }, { suffix: 'User' }] },
  ];

  const ruleBody = fc
    .record(
      {
        eventSource: fc.subarray(sources, { minLength: 1, maxLength: 3 }),
        eventName: fc.subarray(names, { minLength: 1, maxLength: 3 }),
        extras: fc.subarray(extras, { maxLength: 2 }),
      },
      { requiredKeys: ['eventSource', 'extras'] },
    )
    .map(({ eventSource, eventName, extras: picked }): EventPattern => {
      const match: EventPattern = { eventSource };
      if (eventName) match.eventName = eventName;
      return Object.assign(match, ...picked);
    });
  const rulesArb = fc
    .array(ruleBody, { minLength: 1, maxLength: 25 })
    .map((bodies) =>
      bodies.map((match, i): TestRule => ({ id: `rule-${String(i).padStart(2, '0')}`, match })),
    );

  const eventArb = fc
    .record(
      {
        eventSource: fc.constantFrom(...sources),
        eventName: fc.constantFrom(...names),
        errorCode: fc.constantFrom('AccessDenied', 'Throttling', null),
        userIdentity: fc.constantFrom<unknown>(
          { type: 'Root' },
          { type: 'AWSService' },
          { type: 'IAMUser' },
          'Root',
        ),
        readOnly: fc.boolean(),
        sourceIPAddress: fc.constantFrom('10.1.2.3', '192.168.0.1', '2001:db8::1', 'AWS Internal'),
        awsRegion: fc.constantFrom('us-east-1', 'eu-west-1'),
        requestParameters: fc.constantFrom<unknown>(
          { bucketName: 'audit-logs' },
          { bucketName: 'data' },
          null,
          {},
        ),
      },
      { requiredKeys: ['eventSource', 'eventName'] },
    )
    .map((event) => JSON.parse(JSON.stringify(event)) as Record<string, unknown>);

  it('admits exactly the events some rule of the group matches when compiled', () => {
    fc.assert(
      fc.property(
        rulesArb,
        fc.array(eventArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 700, max: 2048 }),
        (rules, events, maxPatternLength) => {
          // Prepare
          const byId = new Map(rules.map((r) => [r.id, r]));

          // Act
          const groups = compileEventBridgePatterns(rules, { maxPatternLength });

          // Assess
          expect(groups.flatMap((g) => g.ruleIds).sort()).toEqual([...byId.keys()].sort());
          for (const group of groups) {
            expect(JSON.stringify(group.pattern).length).toBeLessThanOrEqual(maxPatternLength);
            expect(countCombinations(group.pattern)).toBeLessThanOrEqual(DEFAULT_MAX_OR_COMBINATIONS);
            for (const event of events) {
              const byRules = group.ruleIds.some((id) =>
                matchesPattern((byId.get(id) as TestRule).match, event),
              );
              expect(matchesPattern(group.pattern, wrap(event))).toBe(byRules);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns byte-identical output when rules are shuffled', () => {
    fc.assert(
      fc.property(
        rulesArb.chain((rules) =>
          fc.tuple(fc.constant(rules), fc.shuffledSubarray(rules, { minLength: rules.length })),
        ),
        ([rules, shuffled]) => {
          // Act
          const first = JSON.stringify(compileEventBridgePatterns(rules));
          const second = JSON.stringify(compileEventBridgePatterns(shuffled));

          // Assess
          expect(second).toBe(first);
        },
      ),
      { numRuns: 100 },
    );
  });
});
