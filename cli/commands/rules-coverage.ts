import { parseArgs } from 'node:util';
import { catalog } from '../../lambdas/rules';
import { DEFAULT_CORPUS_DIR, loadCorpus } from '../conformance/corpus';
import { buildCoverage, type CoverageSection } from '../conformance/coverage';
import { measurePanther } from '../conformance/panther';
import { measureStratus } from '../conformance/stratus';
import { type Command, UsageError } from '../types';

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function printSection(
  out: (s: string) => void,
  title: string,
  headers: [string, string, string],
  section: CoverageSection,
): void {
  out(`${title}: ${section.covered} of ${section.total} covered`);
  const rows = section.items.map((item) => [
    `  ${item.id}`,
    item.detail,
    item.coveredBy.length > 0 ? item.coveredBy.join(', ') : '-',
    item.evidence,
  ]);
  for (const line of table([[`  ${headers[0]}`, headers[1], 'TRAILGUARD RULES', headers[2]], ...rows]))
    out(line);
  if (section.unknownReferences.length > 0)
    out(`  named by rules but not in this source: ${section.unknownReferences.join(', ')}`);
  out('');
}

export const rulesCoverage: Command = {
  usage:
    'trailguard rules coverage [--format table|json] [--corpus <dir>]\n\n' +
    'Every Panther CloudTrail rule, Sigma CloudTrail rule and Stratus Red Team AWS technique, the TrailGuard rules\n' +
    "covering it (from the rules' metadata), and what the corpus shows: Panther test rows agreeing, Stratus\n" +
    'detonation logs detected. Reads the corpus index from --corpus (default ../shared/corpus next to the checkout).',
  async run({ args, out }) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        format: { type: 'string', default: 'table' },
        corpus: { type: 'string', default: DEFAULT_CORPUS_DIR },
      },
    });
    if (values.format !== 'table' && values.format !== 'json')
      throw new UsageError(`--format must be table or json, got "${values.format}"`);
    const corpus = loadCorpus(values.corpus);
    const coverage = buildCoverage(
      catalog,
      corpus,
      await measurePanther(catalog, corpus.pantherTests),
      await measureStratus(catalog, corpus.stratusFiles),
    );
    if (values.format === 'json') {
      out(JSON.stringify(coverage, null, 2));
      return 0;
    }
    printSection(
      out,
      'Panther CloudTrail rules',
      ['PANTHER RULE', 'SEVERITY', 'PANTHER TESTS'],
      coverage.panther,
    );
    printSection(out, 'Sigma CloudTrail rules', ['SIGMA RULE', 'LEVEL', ''], coverage.sigma);
    printSection(
      out,
      'Stratus Red Team AWS techniques',
      ['TECHNIQUE', 'TACTICS', 'DETONATION LOG'],
      coverage.stratus,
    );
    out(
      `Covered: Panther ${coverage.panther.covered}/${coverage.panther.total}, Sigma ${coverage.sigma.covered}/` +
        `${coverage.sigma.total}, Stratus ${coverage.stratus.covered}/${coverage.stratus.total}`,
    );
    return 0;
  },
};
