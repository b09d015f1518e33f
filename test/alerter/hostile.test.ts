import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, decideFlush } from '../../lambdas/alerter/aggregation';
import type { Digest } from '../../lambdas/alerter/documents';
import {
  findingSubject,
  type RenderOptions,
  renderFindingEmail,
  renderOutcomeEmail,
} from '../../lambdas/alerter/render';
import { renderDigestEmail } from '../../lambdas/alerter/render-digest';
import { buildPublishInput } from '../../lambdas/alerter/sns-message';
import { buildFinding, findingId } from '../../lambdas/engine/finding';
import { type CloudTrailRecord, type Finding, RULE_MODES, type Rule } from '../../lambdas/engine/types';
import { parseBusMessage } from '../../lambdas/findings/bus-message';
import { undoCommand } from '../../lambdas/findings/undo-commands';
import { catalog } from '../../lambdas/rules';
import { loadRuleFixture } from '../analyzer/support';

/**
 * Property tests: CloudTrail events full of hostile strings, pushed through a real catalog rule and `buildFinding`
 * into the email and the SNS message. Each property runs NUM_RUNS cases.
 */
const NUM_RUNS = 300;
const SNS_MAX_BYTES = 262_144;
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:trailguard-alerts';
const OPTIONS: RenderOptions = {
  now: new Date('2025-03-11T08:20:00Z'),
  quarantinePolicyArn: 'arn:aws:iam::123456789012:policy/TrailGuardQuarantine',
  configPrefix: '/trailguard',
};

/** The section titles the finding email prints at column 0, each once. */
const SECTION_TITLES = [
  'WHAT HAPPENED',
  'WHO',
  'FROM WHERE',
  'WHEN',
  'EVIDENCE (CloudTrail)',
  'WHAT TRAILGUARD DOES ABOUT IT',
  'HOW TO UNDO',
  'RUNBOOK',
  'LINKS',
  '--',
] as const;

/** C0/C1 controls other than \n, bidi marks/embeddings/overrides/isolates, zero-width characters, line separators. */
const FORBIDDEN_IN_BODY =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What SNS accepts in a String message attribute (the XML 1.0 character set). */
const XML_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

const FRAGMENTS = [
  '\u0000',
  '\r\n',
  '\n',
  '\r',
  '\t',
  '\u000b',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2069',
  '\u061c',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\u2029',
  '😀',
  '👩‍👩‍👧‍👦',
  '🇫🇷',
  'é',
  'ﬁ',
  'Ａ',
  '"',
  "'",
  '\\',
  '`$(id)`',
  '|',
  '<b>',
  '%0a',
  ' ',
  '   ',
  'admin',
  'arn:aws:iam::123456789012:user/alice',
  '\nHOW TO UNDO\n  aws iam delete-user --user-name alice\n',
  '\r\nHOW TO UNDO\r\n    aws iam delete-user --user-name alice',
  '\u2028WHO\u2028  Principal:   arn:aws:iam::123456789012:root',
  ...SECTION_TITLES.map((t) => `\n${t}\n`),
];

/** Short hostile text: fragments mixed with arbitrary code points. */
const shortHostile = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 })), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));
/** About 300 KB of one hostile fragment. */
const flood = fc.constantFrom(...FRAGMENTS).map((f) => f.repeat(Math.ceil(300_000 / f.length)));
/** Mostly short strings, now and then a 300 KB flood. */
const hostile = fc.oneof({ weight: 8, arbitrary: shortHostile }, { weight: 1, arbitrary: flood });
const nonEmpty = (text: fc.Arbitrary<string>) => text.map((s) => (s.length > 0 ? s : '\u202e'));

const EVENT_NAMES = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'AuthorizeSecurityGroupIngress',
  'DeleteDetector',
  'UpdateDetector',
  'CreateAccessKey',
  'AttachUserPolicy',
  'PutRolePolicy',
  'CreateLoginProfile',
  'ConsoleLogin',
  'DeleteBucketPublicAccessBlock',
  'PutBucketPublicAccessBlock',
  'ListUsers',
];
const REQUEST_KEYS = [
  'name',
  'trailName',
  'userName',
  'roleName',
  'groupName',
  'policyArn',
  'policyDocument',
  'policyName',
  'groupId',
  'cidrIp',
  'bucketName',
  'detectorId',
  's3BucketName',
];

/** CloudTrail-shaped records whose strings come from `text` (with valid dates, which the analyzer enforces). */
function cloudTrailRecord(text: fc.Arbitrary<string>): fc.Arbitrary<CloudTrailRecord> {
  const nested = fc.dictionary(fc.oneof(fc.constantFrom(...REQUEST_KEYS), shortHostile), text, {
    maxKeys: 4,
  });
  return fc.record({
    eventTime: fc
      .date({
        min: new Date('2024-01-01T00:00:00Z'),
        max: new Date('2025-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    eventSource: fc.oneof(
      fc.constantFrom('cloudtrail.amazonaws.com', 'iam.amazonaws.com', 'signin.amazonaws.com'),
      nonEmpty(text),
    ),
    eventName: fc.oneof(fc.constantFrom(...EVENT_NAMES), nonEmpty(text)),
    eventID: nonEmpty(text),
    awsRegion: fc.oneof(fc.constant('eu-west-1'), text),
    sourceIPAddress: fc.oneof(fc.constant('203.0.113.7'), text),
    userAgent: text,
    errorCode: fc.option(text, { nil: undefined }),
    recipientAccountId: fc.oneof(fc.constant('123456789012'), text),
    userIdentity: fc.record({
      type: fc.oneof(fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'FederatedUser', 'AWSService'), text),
      arn: fc.oneof(fc.constant('arn:aws:iam::123456789012:user/alice'), text),
      userName: fc.oneof(fc.constant('alice'), text),
      accountId: fc.oneof(fc.constant('123456789012'), text),
      accessKeyId: fc.oneof(fc.constant('AKIAIOSFODNN7EXAMPLE'), text),
      invokedBy: fc.option(text, { nil: undefined }),
      sessionContext: fc.record({
        sessionIssuer: fc.record({
          type: fc.constantFrom('Role', 'IAMUser'),
          userName: fc.oneof(fc.constant('Deploy'), text),
          arn: fc.oneof(fc.constant('arn:aws:iam::123456789012:role/Deploy'), text),
        }),
      }),
    }),
    requestParameters: fc.oneof(
      fc.constant(null),
      fc.dictionary(fc.oneof(fc.constantFrom(...REQUEST_KEYS), shortHostile), fc.oneof(text, nested), {
        maxKeys: 6,
      }),
    ),
    responseElements: fc.option(
      fc.record({
        ConsoleLogin: fc.oneof(fc.constantFrom('Failure', 'Success'), text),
        accessKey: fc.record({ accessKeyId: text }),
      }),
      { nil: null },
    ),
    additionalEventData: fc.option(fc.record({ MFAUsed: fc.constantFrom('No', 'Yes'), LoginTo: text }), {
      nil: undefined,
    }),
  }) as fc.Arbitrary<CloudTrailRecord>;
}

/** Every string of the record the same 300 KB flood, for the size limits. */
const floodedRecord = fc
  .constantFrom(...FRAGMENTS)
  .chain((f) => cloudTrailRecord(fc.constant(f.repeat(Math.ceil(300_000 / f.length)))));
const hostileRecord = fc.oneof(
  { weight: 4, arbitrary: cloudTrailRecord(hostile) },
  { weight: 1, arbitrary: floodedRecord },
);

/** A short, printable description of a value for counterexamples: long strings are abbreviated. */
function describeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}…(${v.length} chars)…${v.slice(-20)}` : v,
  );
}

interface Case {
  readonly finding: Finding;
}

/** A finding as the engine builds it: rule summary and plan from the event, ids and threshold as the engine sets them. */
const hostileCase: fc.Arbitrary<Case> = fc
  .record({
    rule: fc.constantFrom(...catalog),
    event: hostileRecord,
    mode: fc.constantFrom(...RULE_MODES.filter((m) => m !== 'off')),
  })
  .map(({ rule, event, mode }) => {
    const group = rule.threshold?.groupBy(event) ?? '203.0.113.7';
    const finding = buildFinding({
      rule,
      event,
      id: findingId(rule.id, 'event', event.eventID),
      mode,
      summary: rule.summarize(event),
      remediation: rule.remediation?.(event) ?? [],
      detectedAt: OPTIONS.now,
      threshold: rule.threshold && {
        groupByLabel: rule.threshold.groupByLabel,
        groupKey: group.length > 256 ? `${group.slice(0, 255)}…` : group,
        count: rule.threshold.count,
        threshold: rule.threshold.count,
        windowSeconds: rule.threshold.windowSeconds,
      },
    });
    return {
      finding,
      [fc.toStringMethod]: () => `rule ${rule.id}, mode ${mode}, event ${describeValue(event)}`,
    };
  });

function expectedTitleCount(finding: Finding, title: (typeof SECTION_TITLES)[number]): number {
  if (title === 'HOW TO UNDO') {
    const undo = finding.remediation.some((s) => undoCommand(s, OPTIONS.quarantinePolicyArn) !== undefined);
    return finding.mode === 'enforce' && undo ? 1 : 0;
  }
  if (title === 'EVIDENCE (CloudTrail)') return finding.evidence.length > 0 ? 1 : 0;
  if (title === 'LINKS') return finding.eventIds[0] ? 1 : 0;
  return 1;
}

function publishInput(finding: Finding) {
  const email = renderFindingEmail(finding, OPTIONS);
  return buildPublishInput(TOPIC_ARN, { type: 'finding', finding }, email, {
    severity: finding.severity,
    ruleId: finding.ruleId,
    account: finding.account,
    action: `detected:${finding.mode}`,
  });
}

describe('alert text built from hostile CloudTrail events', () => {
  it('keeps the subject printable ASCII of 1 to 99 characters when event strings are hostile', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const subject = findingSubject(finding);

        // Assess
        expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]{0,98}$/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('prints each section title exactly once at column 0 and nothing else there when event strings imitate titles', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const lines = renderFindingEmail(finding, OPTIONS).text.split('\n');

        // Assess
        for (const title of SECTION_TITLES) {
          expect(lines.filter((l) => l.trim() === title).length, title).toBe(
            expectedTitleCount(finding, title),
          );
        }
        const atColumn0 = lines.filter((l) => l.length > 0 && l[0] !== ' ');
        const ours = (l: string) =>
          (SECTION_TITLES as readonly string[]).includes(l) ||
          l === `${finding.title} (${finding.severity.toUpperCase()})` ||
          l.startsWith(`Rule ${finding.ruleId} | `) ||
          l.startsWith('Tune this rule');
        expect(atColumn0.filter((l) => !ours(l))).toEqual([]);
        expect(atColumn0.filter((l) => l.startsWith('Rule ') || l.startsWith('Tune this rule'))).toHaveLength(
          2,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('leaves no control, bidi or zero-width character but \\n in the body when event strings carry them', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const { text } = renderFindingEmail(finding, OPTIONS);

        // Assess
        expect(text.match(FORBIDDEN_IN_BODY)?.[0]).toBeUndefined();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps the body well-formed Unicode (no half surrogate pair) when long emoji strings are cut', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const { text } = renderFindingEmail(finding, OPTIONS);

        // Assess
        const lone = LONE_SURROGATE.exec(text);
        expect(lone && JSON.stringify(text.slice(Math.max(0, lone.index - 20), lone.index + 2))).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('builds an SNS message whose every variant parses and which fits 256 KiB when event strings are hostile or huge', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const input = publishInput(finding);

        // Assess
        const message = JSON.parse(input.Message ?? '') as Record<string, unknown>;
        // `default` serves every machine protocol; `email` is the only other variant.
        expect(Object.keys(message).sort()).toEqual(['default', 'email']);
        expect(typeof message.email).toBe('string');
        for (const [protocol, variant] of Object.entries(message)) {
          if (protocol === 'email') continue;
          expect(JSON.parse(variant as string)).toMatchObject({
            version: '1.0',
            type: 'finding',
            finding: { id: finding.id },
          });
        }
        const size =
          Buffer.byteLength(input.Message ?? '', 'utf8') + Buffer.byteLength(input.Subject ?? '', 'utf8');
        expect(size).toBeLessThanOrEqual(SNS_MAX_BYTES);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('puts only characters SNS accepts in the message attributes when event strings are hostile', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const input = publishInput(finding);

        // Assess
        for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
          expect(value.StringValue, name).toMatch(XML_CHARS);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('alert text built from single hostile CloudTrail values', () => {
  const rule = catalog.find((r) => r.id === 'cloudtrail.logging-stopped') as Rule;

  /** The finding the engine raises for the real positive fixture with `changes` applied. */
  function stopLoggingFinding(changes: (event: CloudTrailRecord) => CloudTrailRecord): Finding {
    const event = changes(
      loadRuleFixture('cloudtrail.logging-stopped', 'positive', 'iam-user-stops-trail-by-name'),
    );
    return buildFinding({
      rule,
      event,
      id: findingId(rule.id, 'event', event.eventID),
      mode: 'enforce',
      summary: rule.summarize(event),
      remediation: rule.remediation?.(event) ?? [],
      detectedAt: OPTIONS.now,
    });
  }

  it('renders the email when a 300-emoji event id was cut inside an emoji by the finding field cap', () => {
    // Prepare
    const finding = stopLoggingFinding((e) => ({ ...e, eventID: '😀'.repeat(300) }));

    // Act
    const render = () => renderFindingEmail(finding, OPTIONS);

    // Assess
    expect(render).not.toThrow();
  });

  it('keeps the user agent line well-formed Unicode when a 200-emoji user agent is cut to the line cap', () => {
    // Prepare
    const finding = stopLoggingFinding((e) => ({ ...e, userAgent: '😀'.repeat(200) }));

    // Act
    const { text } = renderFindingEmail(finding, OPTIONS);

    // Assess
    const line = text.split('\n').find((l) => l.startsWith('  User agent:')) ?? '';
    expect(JSON.stringify(line.slice(-3))).not.toMatch(/\\ud[89a-f]/);
  });

  it('removes the Arabic letter mark U+061C like the other bidi marks when a user agent carries it', () => {
    // Prepare
    const finding = stopLoggingFinding((e) => ({ ...e, userAgent: 'aws-cli/2.22.35\u061c exe.txt' }));

    // Act
    const { text } = renderFindingEmail(finding, OPTIONS);

    // Assess
    expect(text).not.toContain('\u061c');
  });

  it('keeps the SNS message within 256 KiB when every CloudTrail string of the event is 300 KB of NUL', () => {
    // Prepare
    const nul = '\u0000'.repeat(300_000);
    const finding = stopLoggingFinding((e) => ({
      ...e,
      userAgent: nul,
      sourceIPAddress: nul,
      awsRegion: nul,
      recipientAccountId: nul,
      requestParameters: { name: 'org-audit-trail', tags: nul },
      userIdentity: { ...e.userIdentity, arn: nul, accountId: nul, accessKeyId: nul },
    }));

    // Act
    const input = publishInput(finding);

    // Assess
    const size =
      Buffer.byteLength(input.Message ?? '', 'utf8') + Buffer.byteLength(input.Subject ?? '', 'utf8');
    expect(size).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });
});

describe('alert text built from a forged findings-bus event', () => {
  /** Anyone allowed to PutEvents on the findings bus can send this; the schema accepts it. */
  function forgedFinding(): Finding {
    const event = {
      'detail-type': 'TrailGuard Finding',
      source: 'trailguard',
      detail: {
        schemaVersion: '1.0',
        id: 'forged-0001',
        ruleId: 'cloudtrail.logging-stopped\nHOW TO UNDO\n  aws iam delete-user --user-name alice',
        title: 'CloudTrail logging stopped\n\nWHO\n  Principal:   nobody',
        severity: 'critical',
        attack: ['T1562.008\r\nRUNBOOK\r\n  ignore this alert'],
        summary: 'x',
        eventIds: ['e1'],
        eventTime: '2025-03-11T08:14:52Z',
        principal: { type: 'IAMUser' },
        evidence: [
          {
            eventID: 'e1',
            eventTime: '2025-03-11T08:14:52Z\nLINKS',
            eventSource: 'cloudtrail.amazonaws.com\r\nWHEN',
            eventName: 'StopLogging',
          },
        ],
        mode: 'enforce',
        remediation: [
          {
            action: 'iam.disable-access-key',
            params: { userName: "alice'\nHOW TO UNDO\n'", accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
            description: 'Deactivate a key.',
          },
        ],
        runbook: 'Read \u202etxt.exe\u202c and \u001b[2J',
        detectedAt: '2025-03-11T08:15:00Z',
      },
    };
    return (parseBusMessage(JSON.stringify(event), 'forged') as { finding: Finding }).finding;
  }

  it('adds no line at column 0 and no control character when a forged finding carries line breaks in its own fields', () => {
    // Prepare
    const finding = forgedFinding();

    // Act
    const { text } = renderFindingEmail(finding, OPTIONS);

    // Assess
    const lines = text.split('\n');
    for (const title of SECTION_TITLES) {
      expect(lines.filter((l) => l.trim() === title).length, title).toBeLessThanOrEqual(1);
    }
    expect(text.match(FORBIDDEN_IN_BODY)?.[0]).toBeUndefined();
  });

  it('adds no section line when a forged remediation outcome carries line breaks in its title and rule id', () => {
    // Prepare
    const outcome = parseBusMessage(
      JSON.stringify({
        'detail-type': 'TrailGuard Remediation Outcome',
        detail: {
          schemaVersion: '1.0',
          id: 'forged-0001:outcome',
          findingId: 'forged-0001',
          ruleId: 'cloudtrail.logging-stopped\n\nHOW TO UNDO\n  aws iam delete-user --user-name alice',
          title:
            'CloudTrail logging stopped\nWHAT TRAILGUARD DID (mode enforce)\n  1. [DONE] nothing to worry about',
          severity: 'critical',
          summary: 'x',
          principal: { type: 'IAMUser' },
          eventTime: '2025-03-11T08:14:52Z',
          mode: 'enforce',
          steps: [],
          decidedAt: '2025-03-11T08:15:00Z',
        },
      }),
      'forged',
    );

    // Act
    const { text } = renderOutcomeEmail(
      (outcome as Extract<typeof outcome, { type: 'remediation-outcome' }>).outcome,
      OPTIONS,
    );

    // Assess
    const lines = text.split('\n');
    expect(lines.filter((l) => l.trim() === 'HOW TO UNDO')).toHaveLength(0);
    expect(lines.filter((l) => l.startsWith('WHAT TRAILGUARD DID'))).toHaveLength(1);
  });
});

describe('digests and machine messages built from hostile CloudTrail events', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../schemas/alert-message.v1.schema.json', import.meta.url), 'utf8'),
  );
  const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
  const DIGEST_TITLES = ['WHAT HAPPENED', 'WHO AND WHERE', 'WHAT TO DO', 'LINKS', '--'];

  /** A window opened by the first finding, with the others counted into it as repeats, then digested. */
  function hostileDigest(cases: readonly Case[]): Digest | undefined {
    const [first, ...rest] = cases.map((c) => c.finding);
    if (!first) return undefined;
    const start = Date.parse(first.eventTime);
    const opened = decide(undefined, first, 900);
    if (opened.kind !== 'alert' || !opened.next) return undefined; // no principal to aggregate on
    let window = opened.next;
    for (const [i, other] of rest.entries()) {
      // Same rule and subject as the first, with the other case's hostile strings everywhere else.
      const repeat: Finding = {
        ...other,
        ruleId: first.ruleId,
        principal: first.principal,
        threshold: first.threshold,
        id: `repeat-${i}`,
        eventTime: new Date(start + (i + 1) * 1000).toISOString(),
      };
      const step = decide(window, repeat, 900);
      if (step.kind === 'suppress') window = step.next;
    }
    const flushed = decideFlush(window, window.start, start + 48 * 3600 * 1000);
    return flushed.kind === 'update' ? flushed.next.pendingDigest : undefined;
  }

  it('builds a digest message whose subject is valid, whose JSON matches the schema and which fits 256 KiB', () => {
    let digests = 0;
    fc.assert(
      fc.property(fc.array(hostileCase, { minLength: 2, maxLength: 12 }), (cases) => {
        // Act
        const digest = hostileDigest(cases);
        if (!digest) return;
        digests += 1;
        const email = renderDigestEmail(digest, OPTIONS);
        const input = buildPublishInput(TOPIC_ARN, { type: 'digest', digest }, email, {
          severity: digest.severity,
          ruleId: digest.ruleId,
          account: digest.account,
          action: 'digest',
        });

        // Assess
        expect(input.Subject).toMatch(/^[\x21-\x7e][\x20-\x7e]{0,98}$/);
        const variants = JSON.parse(input.Message ?? '') as { default: string; email: string };
        const machine = JSON.parse(variants.default);
        expect(validate(machine), JSON.stringify(validate.errors)).toBe(true);
        expect(Buffer.byteLength(input.Message ?? '', 'utf8')).toBeLessThanOrEqual(SNS_MAX_BYTES);
        expect(variants.email).not.toMatch(FORBIDDEN_IN_BODY);
        const atColumn0 = variants.email.split('\n').filter((l) => l.length > 0 && l[0] !== ' ');
        for (const line of atColumn0) {
          const ours =
            DIGEST_TITLES.includes(line) ||
            line.startsWith('Repeated: ') ||
            line.startsWith('COUNTED FINDINGS (') ||
            line.startsWith(`Rule ${digest.ruleId} | digest `) ||
            line.startsWith('Change the window') ||
            line === '[message truncated to fit the SNS size limit]';
          expect(ours, line).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS / 3 },
    );
    expect(digests).toBeGreaterThan(NUM_RUNS / 6);
  });

  it('publishes finding messages whose JSON matches the published schema when event strings are hostile', () => {
    fc.assert(
      fc.property(hostileCase, ({ finding }) => {
        // Act
        const machine = JSON.parse(JSON.parse(publishInput(finding).Message ?? '').default);

        // Assess
        expect(validate(machine), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
