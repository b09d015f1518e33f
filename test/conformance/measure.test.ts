import { describe, expect, it } from 'vitest';
import { measureBenign } from '../../cli/conformance/benign';
import { buildCoverage } from '../../cli/conformance/coverage';
import { formatReport } from '../../cli/conformance/format';
import { judgeEvent, runTimeline } from '../../cli/conformance/judge';
import { measurePanther, normalisePantherEvent, SYNTHETIC_EVENT_TIME } from '../../cli/conformance/panther';
import { evaluateTargets, exitCodeOf, runConformance, TARGETS } from '../../cli/conformance/report';
import { measureStratus } from '../../cli/conformance/stratus';
import { burstRule, record, rootRule, sequenceRule, stopRule, testCorpus, testRules } from './support';

describe('normalisePantherEvent', () => {
  it('fills a missing eventID and eventTime with synthetic values and says so', () => {
    // Prepare
    const raw = { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' };

    // Act
    const result = normalisePantherEvent(raw, 'synthetic-7');

    // Assess
    expect(result.problem).toBeUndefined();
    expect(result.filled).toEqual(['eventID', 'eventTime']);
    expect(result.record).toMatchObject({ eventID: 'synthetic-7', eventTime: SYNTHETIC_EVENT_TIME });
    expect(raw).toEqual({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' });
  });

  it('replaces an event time that is not a date and records what it was', () => {
    const result = normalisePantherEvent(
      { eventSource: 's', eventName: 'n', eventID: '1', eventTime: 'redacted' },
      'x',
    );
    expect(result.record?.eventTime).toBe(SYNTHETIC_EVENT_TIME);
    expect(result.filled).toEqual(['eventTime (was "redacted")']);
  });

  it('does not rewrite lower-case keys: the event is reported as not evaluated', () => {
    // Act
    const result = normalisePantherEvent(
      { eventsource: 'guardduty.amazonaws.com', eventname: 'CreateIPSet', eventid: 'abc', p_log_type: 'x' },
      'x',
    );

    // Assess
    expect(result.record).toBeUndefined();
    expect(result.problem).toContain('keys are in lower case (eventsource, eventname, eventid)');
    expect(result.pantherFields).toBe(true);
  });

  it('reports events the engine refuses, and non-objects', () => {
    expect(normalisePantherEvent({ eventName: 'DeleteBucket' }, 'x').problem).toBe(
      'field "eventSource" must be a non-empty string, got nothing',
    );
    expect(normalisePantherEvent('text', 'x').problem).toBe('the event is not a JSON object');
  });

  it('leaves Panther p_* fields in place', () => {
    const result = normalisePantherEvent(
      record({ p_log_type: 'AWS.CloudTrail', p_any_ip_addresses: [] }),
      'x',
    );
    expect(result.pantherFields).toBe(true);
    expect(result.record).toHaveProperty('p_log_type', 'AWS.CloudTrail');
  });
});

describe('judgeEvent', () => {
  it('judges a threshold rule by whether the event counts toward it', async () => {
    // Prepare
    const counted = record({ errorCode: 'AccessDenied' });
    const noGroup = record({ errorCode: 'AccessDenied', userIdentity: { type: 'IAMUser' } });

    // Act / Assess
    expect((await judgeEvent([burstRule], counted)).findings).toHaveLength(1);
    expect((await judgeEvent([burstRule], noGroup)).findings).toHaveLength(0);
  });

  it('judges a sequence rule on its second step alone', async () => {
    const key = record({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      requestParameters: { userName: 'b' },
    });
    const user = record({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateUser',
      requestParameters: { userName: 'b' },
    });
    expect((await judgeEvent([sequenceRule], key)).findings.map((f) => f.ruleId)).toEqual([sequenceRule.id]);
    expect((await judgeEvent([sequenceRule], user)).findings).toHaveLength(0);
  });

  it('does not let one event influence the verdict on the next (fresh state, even with the same eventID)', async () => {
    const first = record({ eventName: 'StopLogging', eventID: '1' });
    const second = record({ eventName: 'StopLogging', eventID: '1' });
    expect((await judgeEvent([stopRule], first)).findings).toHaveLength(1);
    expect((await judgeEvent([stopRule], second)).findings).toHaveLength(1);
  });
});

describe('runTimeline', () => {
  it('runs events in event-time order, so a sequence completes whatever the file order', async () => {
    // Prepare
    const corpus = testCorpus();
    const seq = corpus.stratusFiles.find((f) => f.technique === 'tech.seq');

    // Act
    const result = await runTimeline([sequenceRule], [{ name: 'seq', events: seq?.events ?? [] }]);

    // Assess
    expect(result.findings.map((f) => f.finding.ruleId)).toEqual([sequenceRule.id]);
    expect(result.findings[0]?.where).toBe('seq[0]');
  });

  it('raises a burst once and reports records it cannot read', async () => {
    const events = [0, 5, 10, 15, 20].map((s) =>
      record({ errorCode: 'AccessDenied', eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString() }),
    );
    const result = await runTimeline([burstRule], [{ name: 'f', events: [...events, 42] }]);
    expect(result.findings).toHaveLength(1);
    expect(result.rejected).toEqual([
      { where: 'f[5]', problem: 'f[5]: expected a CloudTrail record object, got number' },
    ]);
    expect(result.events).toBe(6);
  });
});

describe('measureStratus', () => {
  it('detects a technique only through a rule that names it, with thresholds and sequences on event time', async () => {
    // Act
    const result = await measureStratus(testRules, testCorpus().stratusFiles);

    // Assess
    const by = Object.fromEntries(result.files.map((f) => [f.technique, f]));
    expect(result.total).toBe(6);
    expect(result.detected).toBe(3);
    expect(by['tech.stop']).toMatchObject({ detected: true, detectedBy: ['test.stop-logging'], events: 2 });
    expect(by['tech.stop']?.rejected).toHaveLength(1);
    expect(by['tech.burst']).toMatchObject({ detected: true, detectedBy: ['test.denied-burst'] });
    expect(by['tech.burst-slow']).toMatchObject({ detected: false, namedBy: ['test.denied-burst'] });
    expect(by['tech.seq']).toMatchObject({ detected: true, detectedBy: ['test.user-then-key'] });
    expect(by['tech.seq-missing']).toMatchObject({ detected: false, findings: {} });
    expect(by['tech.unclaimed']).toMatchObject({
      detected: false,
      namedBy: [],
      findings: { 'test.stop-logging': 1 },
    });
    expect(result.namedWithoutLog).toEqual(['tech.no-log']);
  });
});

describe('measurePanther', () => {
  it('reaches the known verdict on every hand-made row', async () => {
    // Act
    const result = await measurePanther(testRules, testCorpus().pantherTests);

    // Assess
    const outcome = Object.fromEntries(result.rows.map((r) => [`${r.panther}|${r.test}`, r.outcome]));
    expect(outcome).toEqual({
      'P.Stop|stop': 'agree',
      'P.Stop|start': 'agree',
      'P.Stop|stop without id and time': 'agree',
      'P.Stop|stop with a redacted time': 'agree',
      'P.Stop|lower-case keys': 'unevaluated',
      'P.Stop|not an object': 'unevaluated',
      'P.Denied|one denial counts': 'agree',
      'P.Denied|denial without a principal': 'disagree',
      'P.Key|the key': 'agree',
      'P.Key|the user alone': 'disagree',
      'P.Root|read-only root': 'deliberate',
      'P.Root|root console sign-in': 'disagree',
      'P.Root|root write': 'agree',
      'P.Root|root with a lookup': 'mocks',
    });
    expect(result).toMatchObject({
      counted: 11,
      agreed: 7,
      disagreed: 4,
      deliberate: 1,
      mocks: 1,
      unevaluated: 2,
    });
    expect(result.agreement).toBeCloseTo(7 / 11);
  });

  it('says how threshold and sequence rules were judged', async () => {
    const result = await measurePanther(testRules, testCorpus().pantherTests);
    const judged = (test: string) => result.rows.find((r) => r.test === test)?.firing[0]?.judgement;
    expect(judged('one denial counts')).toBe('threshold-count');
    expect(judged('the key')).toBe('sequence-second-step');
    expect(judged('stop')).toBe('event');
    expect(result.referenced.find((r) => r.panther === 'P.Key')?.judgements).toEqual([
      'sequence-second-step',
    ]);
  });

  it('lists high findings on rows expected false, deliberate ones marked, and the fate of each record', async () => {
    // Act
    const result = await measurePanther(testRules, testCorpus().pantherTests);

    // Assess
    expect(result.highFalsePositives.map((r) => [r.test, r.outcome])).toEqual([
      ['read-only root', 'deliberate'],
      ['root console sign-in', 'disagree'],
    ]);
    expect(result.rows.find((r) => r.test === 'read-only root')?.reasons).toEqual([
      { ruleId: rootRule.id, reason: 'root reads are how an attacker with root starts' },
    ]);
    expect(result.recordedDisagreements.map((d) => [d.test, d.status])).toEqual([
      ['read-only root', 'holds'],
      ['no such test', 'no-such-test'],
      ['root write', 'stale'],
    ]);
  });

  it('counts only referenced Panther rules, each with its rows', async () => {
    const result = await measurePanther(testRules, testCorpus().pantherTests);
    expect(result.referenced.map((r) => [r.panther, r.rows])).toEqual([
      ['P.Denied', 2],
      ['P.Key', 2],
      ['P.Root', 4],
      ['P.Stop', 6],
    ]);
    expect(result.rows.some((r) => r.panther === 'P.Unreferenced')).toBe(false);
  });
});

describe('measureBenign', () => {
  it('counts findings by severity and tells recorded findings from unrecorded and stale ones', async () => {
    // Prepare
    const files = [
      { name: 'deploy', events: [record({ eventName: 'StopLogging' })] },
      {
        name: 'browse',
        events: [record({ errorCode: 'AccessDenied' }), record({ errorCode: 'AccessDenied' })],
      },
      { name: 'root', events: [record({ userIdentity: { type: 'Root' } })] },
    ];
    const known = [
      { ruleId: 'test.stop-logging', scenario: 'deploy', reason: 'a deploy restarts logging' },
      { ruleId: 'test.root', scenario: 'deploy', reason: 'stale: nothing raises this' },
    ];

    // Act
    const result = await measureBenign(testRules, files, known);

    // Assess
    expect(result.events).toBe(4);
    expect(result.bySeverity).toEqual({ info: 0, low: 0, medium: 0, high: 1, critical: 1 });
    expect(result.byRule).toEqual([
      { ruleId: 'test.stop-logging', severity: 'critical', count: 1 },
      { ruleId: 'test.root', severity: 'high', count: 1 },
    ]);
    expect(result.findings.find((f) => f.ruleId === 'test.stop-logging')?.knownReason).toBe(
      'a deploy restarts logging',
    );
    expect(result.unrecordedAboveLow).toBe(1);
    expect(result.staleKnown).toEqual([known[1]]);
  });
});

describe('targets and report', () => {
  it('passes or fails each target on its bound, and the exit code follows', async () => {
    // Prepare
    const corpus = testCorpus();
    const stratus = await measureStratus(testRules, corpus.stratusFiles);
    const panther = await measurePanther(testRules, corpus.pantherTests);

    // Act
    const strict = evaluateTargets(stratus, panther);
    const lenient = evaluateTargets(stratus, panther, {
      stratusDetected: 3,
      pantherReferenced: 4,
      agreement: 7 / 11,
      highFalsePositives: 1,
    });

    // Assess
    expect(strict.map((t) => [t.id, t.actual, t.required, t.pass])).toEqual([
      ['stratusDetected', 3, TARGETS.stratusDetected, false],
      ['pantherReferenced', 4, TARGETS.pantherReferenced, false],
      ['agreement', 7 / 11, TARGETS.agreement, false],
      ['highFalsePositives', 1, 0, false],
    ]);
    expect(lenient.every((t) => t.pass)).toBe(true);
    expect(exitCodeOf({ pass: false })).toBe(1);
    expect(exitCodeOf({ pass: true })).toBe(0);
  });

  it('prints every section, the deliberate reasons and one PASS/FAIL line per target', async () => {
    // Act
    const report = await runConformance({
      rules: testRules,
      corpus: testCorpus(),
      benign: { dir: 'benign', files: [{ name: 'b', events: [record({})] }], known: [] },
    });
    const text = formatReport(report).join('\n');

    // Assess
    expect(report.pass).toBe(false);
    expect(text).toContain('Stratus: 3/6 technique files detected by a rule naming the technique');
    expect(text).toContain('11 rows counted, 7 agree (63.6%), 4 disagree (1 deliberate)');
    expect(text).toContain('test.root: root reads are how an attacker with root starts');
    expect(text).toContain('P.Stop | lower-case keys: keys are in lower case');
    expect(text).toContain('test.root on P.Root | root write: stale');
    expect(text).toContain('Benign: 0 info, 0 low, 0 medium, 0 high, 0 critical');
    expect(text.match(/^ {2}(PASS|FAIL) {2}/gm)).toHaveLength(4);
    expect(text).toContain('FAIL  agreement on referenced Panther rows (7/11): 63.6% (target >= 95.0%)');
  });
});

describe('buildCoverage', () => {
  it('maps every source item to the rules covering it, uncovered items last, with the evidence', async () => {
    // Prepare
    const corpus = testCorpus();
    const panther = await measurePanther(testRules, corpus.pantherTests);
    const stratus = await measureStratus(testRules, corpus.stratusFiles);

    // Act
    const coverage = buildCoverage(testRules, corpus, panther, stratus);

    // Assess
    expect(coverage.panther.items.map((i) => [i.id, i.coveredBy, i.evidence])).toEqual([
      ['P.Root', ['test.root'], '1/3 tests agree (1 deliberate disagreements, 1 with mocks not counted)'],
      ['P.Stop', ['test.stop-logging'], '4/4 tests agree (2 not evaluable)'],
      ['P.Unreferenced', [], ''],
    ]);
    expect(coverage.panther).toMatchObject({
      total: 3,
      covered: 2,
      unknownReferences: ['P.Denied', 'P.Key'],
    });
    expect(coverage.stratus.items.map((i) => [i.id, i.evidence])).toEqual([
      ['tech.no-log', 'no detonation log'],
      ['tech.stop', 'detected on its log'],
      ['tech.other', ''],
    ]);
    expect(coverage.sigma).toMatchObject({ total: 1, covered: 0 });
  });
});
