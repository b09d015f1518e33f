import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../lambdas/alerter/aggregation';
import { ALERT_MESSAGE_VERSION, type Digest } from '../../lambdas/alerter/documents';
import { renderFindingEmail } from '../../lambdas/alerter/render';
import { buildPublishInput } from '../../lambdas/alerter/sns-message';
import { buildSummary } from '../../lambdas/alerting/summary';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import { ACTION_IDS, type Finding, RULE_MODES, SEVERITIES } from '../../lambdas/engine/types';
import { STEP_STATUSES } from '../../lambdas/findings/outcome';
import { findingSchema, outcomeSchema } from '../../lambdas/findings/schema';
import { catalog } from '../../lambdas/rules';
import { loadRuleFixture } from '../analyzer/support';
import { criticalFinding, DETECTED_AT, highFinding, outcomeOf, repeatOf } from './support';

const schemaFile = new URL('../../schemas/alert-message.v1.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

/** The machine variant (`default`) of the SNS message the alerter publishes for `document`. */
function machineMessage(document: Parameters<typeof buildPublishInput>[1], text = 'text'): unknown {
  const input = buildPublishInput(
    'arn:aws:sns:us-east-1:111122223333:alerts',
    document,
    { subject: 's', text },
    {
      action: 'test',
    },
  );
  return JSON.parse(JSON.parse(input.Message ?? '{}').default);
}

function expectValid(message: unknown): void {
  const ok = validate(message);
  expect(ok, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
}

/** Every positive fixture of every rule, through the real engine. */
async function catalogFindings(): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const rule of catalog) {
    const dir = new URL(`../fixtures/rules/${rule.id}/positive/`, import.meta.url);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      const engine = new DetectionEngine(catalog, {
        state: new InMemoryStateStore(),
        now: () => DETECTED_AT,
      });
      const { findings: raised } = await engine.analyze(
        loadRuleFixture(rule.id, 'positive', name.slice(0, -5)),
      );
      findings.push(...raised);
    }
  }
  return findings;
}

describe('published JSON Schema (schemas/alert-message.v1.schema.json)', () => {
  it('is a valid JSON Schema 2020-12 that ajv compiles in strict mode', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.version.const).toBe(ALERT_MESSAGE_VERSION);
    expect(typeof validate).toBe('function');
  });

  it('accepts the message of every finding the engine raises for the positive rule fixtures', async () => {
    // Prepare
    const findings = await catalogFindings();

    // Act / Assess
    expect(findings.length).toBeGreaterThanOrEqual(catalog.length);
    for (const finding of findings) expectValid(machineMessage({ type: 'finding', finding }));
  });

  it('accepts remediation outcome messages of every step status', async () => {
    // Prepare
    const critical = await criticalFinding();
    const outcome = outcomeOf(critical, [...STEP_STATUSES]);

    // Act / Assess
    expectValid(machineMessage({ type: 'remediation-outcome', outcome }));
  });

  it('accepts the truncated variant of a finding whose evidence does not fit the SNS limit', async () => {
    // Prepare
    const critical = await criticalFinding();
    const huge: Finding = {
      ...critical,
      evidence: Array.from({ length: 200 }, (_, i) => ({
        ...(critical.evidence[0] as Finding['evidence'][number]),
        eventID: `e-${i}`,
        requestParameters: 'x'.repeat(2048),
      })),
    };

    // Act
    const message = machineMessage(
      { type: 'finding', finding: huge },
      renderFindingEmail(huge, { now: DETECTED_AT }).text,
    );

    // Assess
    expect(message).toMatchObject({ truncated: true });
    expectValid(message);
  });

  it('accepts digest and daily summary messages', async () => {
    // Prepare
    const high = await highFinding();
    const opened = decide(undefined, high, 900);
    if (opened.kind !== 'alert' || !opened.next) throw new Error('expected a new window');
    const repeat = decide(
      opened.next,
      repeatOf(high, 1, new Date(Date.parse(high.eventTime) + 60_000).toISOString()),
      900,
    );
    if (repeat.kind !== 'suppress') throw new Error('expected a repeat');
    const later = decide(
      repeat.next,
      repeatOf(high, 2, new Date(Date.parse(high.eventTime) + 3600_000).toISOString()),
      900,
    );
    const digest = later.kind === 'alert' ? later.next?.pendingDigest : undefined;
    const summary = buildSummary(
      '2025-03-10',
      '2025-03-10T00:00:00.000Z',
      '2025-03-11T00:00:00.000Z',
      [{ ruleId: high.ruleId, severity: 'high', alerted: 2, aggregated: 5 }],
      [
        { ruleId: high.ruleId, actionId: 'iam.disable-access-key', status: 'succeeded' },
        { ruleId: 'iam.admin-policy-attached', actionId: 'iam.quarantine-principal', status: 'dry-run' },
      ],
      false,
      '111122223333',
    );

    // Act / Assess
    expect(digest?.count).toBe(1);
    expectValid(machineMessage({ type: 'digest', digest: digest as Digest }));
    expectValid(machineMessage({ type: 'daily-summary', summary }));
  });

  it('accepts an outcome with an action and a step status added later within version 1', async () => {
    // Prepare
    const outcome = outcomeOf(await criticalFinding(), ['succeeded']);
    const later = {
      ...outcome,
      steps: [{ ...outcome.steps[0], action: 'kms.disable-key', status: 'skipped-budget' }],
    };

    // Act / Assess
    expectValid({ version: '1.0', type: 'remediation-outcome', outcome: later });
  });

  it('rejects a message whose finding lacks its severity or has an unknown one', async () => {
    // Prepare
    const { severity: _dropped, ...noSeverity } = await highFinding();
    const urgent = { ...(await highFinding()), severity: 'urgent' };

    // Act / Assess
    for (const finding of [noSeverity, urgent]) {
      expect(validate({ version: '1.0', type: 'finding', finding })).toBe(false);
      expect(findingSchema.safeParse(finding).success).toBe(false);
    }
  });
});

describe('zod schemas and the JSON Schema agree', () => {
  const defs = schema.$defs;
  const keys = (o: object) => Object.keys(o).sort();

  it('document the same fields for findings, outcomes, principals and evidence', () => {
    expect(keys(findingSchema.shape)).toEqual(keys(defs.finding.properties));
    expect(keys(outcomeSchema.shape)).toEqual(keys(defs.outcome.properties));
    expect(keys(findingSchema.shape.principal.shape)).toEqual(keys(defs.principal.properties));
    expect(keys(findingSchema.shape.evidence.element.shape)).toEqual(keys(defs.evidence.properties));
    expect(keys(outcomeSchema.shape.steps.element.shape)).toEqual(
      keys(defs.outcome.properties.steps.items.properties),
    );
  });

  it('allow the same severities and modes, and every action and step status the code knows', () => {
    expect(defs.severity.enum).toEqual([...SEVERITIES]);
    expect(defs.mode.enum).toEqual([...RULE_MODES]);
    const action = new RegExp(defs.action.pattern);
    for (const id of ACTION_IDS) expect(id).toMatch(action);
    const status = new RegExp(defs.outcome.properties.steps.items.properties.status.pattern);
    for (const s of STEP_STATUSES) expect(s).toMatch(status);
  });

  /** Any JSON value, now and then of the wrong type, for a field. */
  const anyValue = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  );
  const maybe = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 20, arbitrary: good }, { weight: 1, arbitrary: anyValue });
  const text = fc.string({ maxLength: 12 });
  const principal = fc.record(
    {
      type: maybe(text),
      arn: maybe(text),
      identityArn: maybe(text),
      identityType: maybe(fc.constantFrom('user', 'role', 'root', 'other')),
      identityName: maybe(text),
      accessKeyId: maybe(text),
      accountId: maybe(text),
      extra: anyValue,
    },
    { requiredKeys: ['type'] },
  );
  const evidence = fc.record(
    {
      eventID: maybe(text),
      eventTime: maybe(text),
      eventSource: maybe(text),
      eventName: maybe(text),
      awsRegion: maybe(text),
      sourceIPAddress: maybe(text),
      userAgent: maybe(text),
      errorCode: maybe(text),
      requestParameters: maybe(text),
    },
    { requiredKeys: ['eventID', 'eventTime', 'eventSource', 'eventName'] },
  );
  const finding = fc.record(
    {
      schemaVersion: maybe(fc.constant('1.0')),
      id: maybe(fc.stringMatching(/^[A-Za-z0-9:_-]{1,40}$/)),
      ruleId: maybe(fc.string({ minLength: 1, maxLength: 20 })),
      title: maybe(fc.string({ minLength: 1, maxLength: 20 })),
      severity: maybe(fc.constantFrom(...SEVERITIES)),
      attack: maybe(fc.array(text, { maxLength: 2 })),
      summary: maybe(text),
      eventIds: maybe(fc.array(text, { maxLength: 2 })),
      eventTime: maybe(text),
      principal: maybe(principal),
      sourceIp: maybe(text),
      userAgent: maybe(text),
      account: maybe(text),
      region: maybe(text),
      evidence: maybe(fc.array(evidence, { maxLength: 2 })),
      threshold: maybe(
        fc.record({
          groupByLabel: maybe(text),
          groupKey: maybe(text),
          count: maybe(fc.nat()),
          threshold: maybe(fc.nat()),
          windowSeconds: maybe(fc.nat()),
        }),
      ),
      mode: maybe(fc.constantFrom(...RULE_MODES)),
      remediation: maybe(
        fc.array(
          fc.record({
            action: maybe(fc.constantFrom(...ACTION_IDS)),
            params: maybe(fc.dictionary(fc.string({ maxLength: 5 }), maybe(text), { maxKeys: 2 })),
            description: maybe(text),
          }),
          { maxLength: 2 },
        ),
      ),
      runbook: maybe(text),
      detectedAt: maybe(text),
      custom: anyValue,
    },
    {
      requiredKeys: [
        'schemaVersion',
        'id',
        'ruleId',
        'title',
        'severity',
        'attack',
        'summary',
        'eventIds',
        'eventTime',
        'principal',
        'evidence',
        'mode',
        'remediation',
        'runbook',
        'detectedAt',
      ],
    },
  );

  /**
   * Actions and step statuses are open in the published schema (new ones may appear within version 1) and closed
   * in zod (the code handles only the ones it knows). Everywhere else the two agree exactly.
   */
  function onlyKnownActionsAndStatuses(candidate: Record<string, unknown>): boolean {
    const items = [
      ...(Array.isArray(candidate.remediation) ? candidate.remediation : []),
      ...(Array.isArray(candidate.steps) ? candidate.steps : []),
    ] as Record<string, unknown>[];
    return items.every(
      (item) =>
        typeof item !== 'object' ||
        item === null ||
        ((typeof item.action !== 'string' || (ACTION_IDS as readonly string[]).includes(item.action)) &&
          (typeof item.status !== 'string' || (STEP_STATUSES as readonly string[]).includes(item.status))),
    );
  }

  it('accept the same findings: what zod accepts the JSON Schema accepts, and what it rejects the JSON Schema rejects', () => {
    let accepted = 0;
    fc.assert(
      fc.property(finding, (candidate) => {
        // Act
        const byZod = findingSchema.safeParse(candidate).success;
        const byJsonSchema = validate({ version: '1.0', type: 'finding', finding: candidate });

        // Assess
        if (byZod) accepted += 1;
        if (byZod) expect(byJsonSchema, ajv.errorsText(validate.errors)).toBe(true);
        else if (onlyKnownActionsAndStatuses(candidate)) expect(byJsonSchema).toBe(false);
      }),
      { numRuns: 500 },
    );
    // Both branches were exercised.
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(490);
  });

  it('accept the same outcomes: what zod accepts the JSON Schema accepts, and it rejects the rest but new actions and statuses', async () => {
    const base = outcomeOf(await criticalFinding(), ['succeeded', 'failed']);
    const outcome = fc.record({
      id: maybe(fc.string({ minLength: 1, maxLength: 20 })),
      severity: maybe(fc.constantFrom(...SEVERITIES)),
      account: maybe(text),
      steps: maybe(
        fc.array(
          fc.record(
            {
              index: maybe(fc.nat(5)),
              action: maybe(fc.constantFrom(...ACTION_IDS)),
              description: maybe(text),
              status: maybe(fc.constantFrom(...STEP_STATUSES)),
              reason: maybe(text),
              undoCommand: maybe(text),
            },
            { requiredKeys: ['index', 'action', 'description', 'status'] },
          ),
          { maxLength: 3 },
        ),
      ),
    });
    fc.assert(
      fc.property(outcome, (changes) => {
        // Act
        const candidate = { ...base, ...changes };
        const byZod = outcomeSchema.safeParse(candidate).success;
        const byJsonSchema = validate({ version: '1.0', type: 'remediation-outcome', outcome: candidate });

        // Assess
        if (byZod) expect(byJsonSchema, ajv.errorsText(validate.errors)).toBe(true);
        else if (onlyKnownActionsAndStatuses(candidate)) expect(byJsonSchema).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
