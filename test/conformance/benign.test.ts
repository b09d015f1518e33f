/**
 * The benign-activity set (test/fixtures/benign): a realistic working day that should raise nothing above `low`,
 * except the findings recorded, with their reasons, in known-findings.json.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ABOVE_LOW, type BenignResult, measureBenign } from '../../cli/conformance/benign';
import { type BenignSet, loadBenignSet, REPO_ROOT } from '../../cli/conformance/corpus';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { catalog, getRule } from '../../lambdas/rules';
import { DEFAULT_BENIGN_DIR } from '../../scripts/conformance';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FULL_RECORD_FIELDS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'requestParameters',
  'responseElements',
  'eventID',
  'readOnly',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];

describe('benign activity set', { timeout: 60_000 }, () => {
  let set: BenignSet;
  let result: BenignResult;
  const records = () => set.files.flatMap((f) => f.events as CloudTrailRecord[]);

  beforeAll(async () => {
    set = loadBenignSet(DEFAULT_BENIGN_DIR);
    result = await measureBenign(catalog, set.files, set.known, set.config);
  });

  it('holds several hundred full CloudTrail records with unique event ids', () => {
    const all = records();
    expect(all.length).toBeGreaterThanOrEqual(400);
    for (const event of all) {
      for (const field of FULL_RECORD_FIELDS)
        expect(event, `${event.eventName}: ${field}`).toHaveProperty(field);
      expect(event.eventID).toMatch(UUID);
    }
    expect(new Set(all.map((e) => e.eventID)).size).toBe(all.length);
    expect(result.rejected).toEqual([]);
  });

  it('covers infrastructure as code, CI deploys, sign-ins, browsing and everyday data use', () => {
    // Prepare
    const all = records();
    const has = (predicate: (e: CloudTrailRecord) => boolean) => all.some(predicate);
    const arn = (e: CloudTrailRecord) => String(e.userIdentity?.arn ?? '');

    // Assess: Terraform creating and tearing down users, roles, policies, buckets, trails.
    for (const name of [
      'CreateUser',
      'CreateRole',
      'CreatePolicy',
      'CreateBucket',
      'CreateTrail',
      'DeleteUser',
      'DeleteRole',
      'DeletePolicy',
      'DeleteBucket',
      'DeleteTrail',
    ]) {
      expect(
        has((e) => e.eventName === name && /Terraform/.test(String(e.userAgent))),
        name,
      ).toBe(true);
    }
    // CI: GitHub Actions OIDC, the CDK roles, CloudFormation acting for them.
    expect(has((e) => e.eventName === 'AssumeRoleWithWebIdentity')).toBe(true);
    expect(has((e) => /cdk-hnb659fds-deploy-role/.test(arn(e)))).toBe(true);
    expect(has((e) => e.userIdentity?.invokedBy === 'cloudformation.amazonaws.com')).toBe(true);
    // Read-only browsing, console sign-ins with MFA, S3 and KMS use.
    expect(all.filter((e) => e.readOnly === true).length).toBeGreaterThan(200);
    expect(
      has(
        (e) =>
          e.eventName === 'ConsoleLogin' &&
          (e.additionalEventData as { MFAUsed?: string })?.MFAUsed === 'Yes',
      ),
    ).toBe(true);
    expect(
      all.filter((e) => e.eventSource === 's3.amazonaws.com' && e.eventCategory === 'Data').length,
    ).toBeGreaterThan(50);
    expect(all.filter((e) => e.eventSource === 'kms.amazonaws.com').length).toBeGreaterThan(10);
  });

  it('runs the whole catalog without a rule throwing', () => {
    expect(result.errors).toEqual([]);
  });

  it('raises nothing above low that known-findings.json does not record', () => {
    const unrecorded = result.findings
      .filter((f) => ABOVE_LOW.includes(f.severity) && f.knownReason === undefined)
      .map((f) => `${f.severity} ${f.ruleId} at ${f.where}: ${f.summary}`);
    expect(unrecorded, 'fix the rule, or record the finding and why in known-findings.json').toEqual([]);
    expect(result.unrecordedAboveLow).toBe(0);
  });

  it('records only findings that still happen, for rules and scenarios that exist, with a reason', () => {
    expect(result.staleKnown).toEqual([]);
    const scenarios = new Set(set.files.map((f) => f.name));
    for (const known of set.known) {
      expect(getRule(known.ruleId), known.ruleId).toBeDefined();
      expect(scenarios, known.scenario).toContain(known.scenario);
      expect(known.reason.length, `${known.ruleId} in ${known.scenario}`).toBeGreaterThan(60);
    }
  });

  it('raises nothing above low with the organisation’s config.json but the findings known to survive it', () => {
    // Assess: the set ships the tuning its organisation would deploy (trusted accounts, NAT address, Terraform).
    expect(set.config).toBeDefined();
    const tuned = result.tuned;
    expect(tuned).toBeDefined();
    const unexpected = (tuned?.findings ?? [])
      .filter((f) => ABOVE_LOW.includes(f.severity) && f.knownReason === undefined)
      .map((f) => `${f.severity} ${f.ruleId} at ${f.where}: ${f.summary}`);
    expect(unexpected, 'fix the tuning or the rule, or give the known finding a "tuned" reason').toEqual([]);
    expect(tuned?.unexpectedAboveLow).toBe(0);
    expect(tuned?.staleTuned).toEqual([]);
    // The tuning only removes findings: everything it leaves was raised without it too.
    for (const f of tuned?.findings ?? [])
      expect(result.findings.some((d) => d.ruleId === f.ruleId && d.where === f.where)).toBe(true);
  });

  it('counts findings by severity consistently', () => {
    const total = Object.values(result.bySeverity).reduce((a, b) => a + b, 0);
    expect(total).toBe(result.findings.length);
    expect(result.byRule.reduce((a, r) => a + r.count, 0)).toBe(result.findings.length);
  });

  it('is exactly what generate.ts writes, so the files and their generator cannot drift apart', async () => {
    // Prepare
    const out = mkdtempSync(join(tmpdir(), 'trailguard-benign-'));

    // Act
    await promisify(execFile)(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [
      join(DEFAULT_BENIGN_DIR, 'generate.ts'),
      out,
    ]);

    // Assess
    const committed = readdirSync(join(DEFAULT_BENIGN_DIR, 'events')).sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    for (const file of committed) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(
        readFileSync(join(DEFAULT_BENIGN_DIR, 'events', file), 'utf8'),
      );
    }
  });
});
