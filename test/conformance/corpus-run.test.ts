/**
 * The conformance run over the real corpus (../shared/corpus) and the real catalog. The catalog changes as rules
 * are added, so these tests check that the measurement is complete and consistent and that the script's exit code
 * follows the targets, not that the targets are met (the report says that).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_DIR, loadBenignSet, loadCorpus, REPO_ROOT } from '../../cli/conformance/corpus';
import { type ConformanceReport, runConformance } from '../../cli/conformance/report';
import { catalog } from '../../lambdas/rules';
import { DEFAULT_BENIGN_DIR } from '../../scripts/conformance';
import { testCorpus, writeCorpus } from './support';

const run = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(REPO_ROOT, 'scripts', 'conformance.ts');

async function script(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [SCRIPT, ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('conformance over the shared corpus', { timeout: 120_000 }, () => {
  let report: ConformanceReport;

  beforeAll(async () => {
    report = await runConformance({
      rules: catalog,
      corpus: loadCorpus(DEFAULT_CORPUS_DIR),
      benign: loadBenignSet(DEFAULT_BENIGN_DIR),
    });
  });

  it('reads the corpus the README describes', () => {
    expect(report.corpus).toMatchObject({ stratusFiles: 35, pantherTests: 461, pantherRules: 135 });
  });

  it('reports every Stratus detonation file, each once', () => {
    const files = readdirSync(join(DEFAULT_CORPUS_DIR, 'stratus'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    expect(report.stratus.files.map((f) => f.technique)).toEqual(files);
    expect(report.stratus.total).toBe(35);
  });

  it('reports every Panther rule the catalog references, each with its rows', () => {
    const referenced = [...new Set(catalog.flatMap((r) => r.references?.panther ?? []))].sort();
    expect(report.panther.referenced.map((r) => r.panther)).toEqual(referenced);
    const corpusRows = loadCorpus(DEFAULT_CORPUS_DIR).pantherTests.filter((t) =>
      referenced.includes(t.ruleId),
    );
    expect(report.panther.rows).toHaveLength(corpusRows.length);
    for (const r of report.panther.referenced) {
      expect(r.rows, r.panther).toBe(corpusRows.filter((t) => t.ruleId === r.panther).length);
    }
  });

  it('is internally consistent', () => {
    const { stratus, panther, benign } = report;
    // Stratus: detected means a finding from a rule that names the technique.
    expect(stratus.detected).toBe(stratus.files.filter((f) => f.detected).length);
    for (const f of stratus.files) {
      for (const id of f.detectedBy) {
        expect(f.namedBy).toContain(id);
        expect(f.findings[id]).toBeGreaterThan(0);
      }
      expect(f.detected).toBe(f.detectedBy.length > 0);
    }
    // Panther: outcomes add up, per rule and overall.
    const count = (o: string) => panther.rows.filter((r) => r.outcome === o).length;
    expect(panther.agreed).toBe(count('agree'));
    expect(panther.deliberate).toBe(count('deliberate'));
    expect(panther.disagreed).toBe(count('disagree') + count('deliberate'));
    expect(panther.counted).toBe(panther.agreed + panther.disagreed);
    expect(panther.counted + panther.mocks + panther.unevaluated).toBe(panther.rows.length);
    expect(panther.agreement).toBeCloseTo(panther.counted === 0 ? 0 : panther.agreed / panther.counted);
    for (const r of panther.referenced)
      expect(r.agree + r.disagree + r.deliberate + r.mocks + r.unevaluated).toBe(r.rows);
    for (const row of panther.rows) {
      if (row.outcome === 'agree') expect(row.ours).toBe(row.expected);
      if (row.outcome === 'disagree' || row.outcome === 'deliberate') expect(row.ours).toBe(!row.expected);
      if (row.outcome === 'unevaluated') expect(row.problem).toBeDefined();
      expect(row.ours ?? false).toBe(row.firing.length > 0);
    }
    for (const row of panther.highFalsePositives) {
      expect(row.expected).toBe(false);
      expect(row.firing.some((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
    }
    // Every disagreement a rule records is accounted for.
    const recorded = catalog.flatMap((r) => r.references?.disagreements ?? []);
    expect(panther.recordedDisagreements).toHaveLength(recorded.length);
    // Benign: severities add up.
    expect(benign).toBeDefined();
    expect(Object.values(benign?.bySeverity ?? {}).reduce((a, b) => a + b, 0)).toBe(benign?.findings.length);
    // Targets: pass is the conjunction.
    for (const t of report.targets) {
      expect(t.pass).toBe(t.comparison === '>=' ? t.actual >= t.required : t.actual <= t.required);
    }
    expect(report.pass).toBe(report.targets.every((t) => t.pass));
  });

  it('runs the catalog over the corpus without a rule throwing', () => {
    expect(report.stratus.files.flatMap((f) => f.errors)).toEqual([]);
    expect(report.panther.rows.flatMap((r) => r.errors)).toEqual([]);
    expect(report.benign?.errors).toEqual([]);
  });
});

describe('npm run conformance', { timeout: 120_000 }, () => {
  it('exits 0 exactly when every target in its JSON report passes, and prints the same verdicts as text', async () => {
    // Act
    const json = await script('--json');
    const text = await script();

    // Assess
    const report = JSON.parse(json.stdout) as ConformanceReport;
    expect(json.code).toBe(report.pass ? 0 : 1);
    expect(text.code).toBe(json.code);
    for (const t of report.targets) expect(text.stdout).toContain(`${t.pass ? 'PASS' : 'FAIL'}  ${t.label}`);
    expect(report.stratus.total).toBe(35);
  });

  it('exits 1 when targets are not met (a hand-made corpus far below them)', async () => {
    // Prepare
    const dir = writeCorpus(testCorpus());

    // Act
    const result = await script('--json', '--corpus', dir, '--no-benign');

    // Assess
    const report = JSON.parse(result.stdout) as ConformanceReport;
    expect(result.code).toBe(1);
    expect(report.pass).toBe(false);
    expect(report.stratus.total).toBe(6);
    expect(report.benign).toBeUndefined();
  });

  it('exits 2 with a clear message when the corpus is missing or an option is unknown', async () => {
    const missing = await script('--corpus', join(REPO_ROOT, 'no-such-corpus'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no corpus at');
    const option = await script('--colour');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('usage: npm run conformance');
  });
});
