import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_DIR, loadCorpus, REPO_ROOT } from '../../cli/conformance/corpus';
import type { Coverage } from '../../cli/conformance/coverage';
import { catalog } from '../../lambdas/rules';
import { runCli } from '../support/cli';

describe('trailguard rules coverage', { timeout: 60_000 }, () => {
  it('lists every Panther, Sigma and Stratus item with the rules covering it, as JSON', async () => {
    // Prepare
    const corpus = loadCorpus(DEFAULT_CORPUS_DIR);

    // Act
    const { code, out } = await runCli('rules', 'coverage', '--format', 'json');

    // Assess
    expect(code).toBe(0);
    const coverage = JSON.parse(out) as Coverage;
    expect(coverage.panther.items.map((i) => i.id).sort()).toEqual(
      corpus.pantherRules.map((r) => r.id).sort(),
    );
    expect(coverage.sigma.items.map((i) => i.id).sort()).toEqual(
      corpus.sigmaRules.map((r) => r.title).sort(),
    );
    expect(coverage.stratus.items.map((i) => i.id).sort()).toEqual(
      corpus.stratusTechniques.map((t) => t.id).sort(),
    );
    // Each claim in a rule's metadata appears against its item, and nothing else does.
    for (const [section, claimsOf] of [
      [coverage.panther, (id: string) => catalog.filter((r) => r.references?.panther?.includes(id))],
      [coverage.sigma, (id: string) => catalog.filter((r) => r.references?.sigma?.includes(id))],
      [coverage.stratus, (id: string) => catalog.filter((r) => r.stratus?.includes(id))],
    ] as const) {
      for (const item of section.items)
        expect(item.coveredBy, item.id).toEqual(claimsOf(item.id).map((r) => r.id));
      expect(section.covered).toBe(section.items.filter((i) => i.coveredBy.length > 0).length);
      expect(section.unknownReferences).toEqual([]);
    }
  });

  it('prints a table per source, covered items first, uncovered ones marked, and the totals', async () => {
    // Act
    const { code, out } = await runCli('rules', 'coverage');

    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^Panther CloudTrail rules: \d+ of 137 covered$/m);
    expect(out).toMatch(/^Sigma CloudTrail rules: \d+ of 57 covered$/m);
    expect(out).toMatch(/^Stratus Red Team AWS techniques: \d+ of 44 covered$/m);
    expect(out).toMatch(
      /^ {2}AWS\.CloudTrail\.Stopped +Medium +cloudtrail\.logging-stopped, cloudtrail\.trail-deleted-or-updated +\d+\/\d+ tests agree/m,
    );
    expect(out).toMatch(
      /^ {2}aws\.defense-evasion\.cloudtrail-stop +Defense Evasion +cloudtrail\.logging-stopped +detected on its log$/m,
    );
    expect(out).toMatch(/^Covered: Panther \d+\/137, Sigma \d+\/57, Stratus \d+\/44$/m);
  });

  it('fails clearly when the corpus is not where it is looked for', async () => {
    const { code, err } = await runCli('rules', 'coverage', '--corpus', join(REPO_ROOT, 'no-such-corpus'));
    expect(code).toBe(1);
    expect(err).toContain('no corpus at');
  });
});
