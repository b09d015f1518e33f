/**
 * `npm run conformance [-- --json] [--corpus <dir>] [--benign <dir>|--no-benign]`: measures the catalog against
 * the shared corpus (../shared/corpus) and the benign set (test/fixtures/benign), prints the report and exits 0
 * when every target is met, 1 when one is not, 2 on a usage or input error. The logic is in cli/conformance.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CorpusError,
  DEFAULT_CORPUS_DIR,
  loadBenignSet,
  loadCorpus,
  REPO_ROOT,
} from '../cli/conformance/corpus';
import { formatReport } from '../cli/conformance/format';
import { exitCodeOf, runConformance } from '../cli/conformance/report';
import { catalog } from '../lambdas/rules';

export const DEFAULT_BENIGN_DIR = join(REPO_ROOT, 'test', 'fixtures', 'benign');

export async function main(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let values: { json?: boolean; corpus?: string; benign?: string; 'no-benign'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        corpus: { type: 'string' },
        benign: { type: 'string' },
        'no-benign': { type: 'boolean' },
      },
    }));
  } catch (error) {
    err(
      `${(error as Error).message}\nusage: npm run conformance -- [--json] [--corpus <dir>] [--benign <dir>|--no-benign]`,
    );
    return 2;
  }
  try {
    const corpus = loadCorpus(values.corpus ?? DEFAULT_CORPUS_DIR);
    const benignDir = values.benign ?? DEFAULT_BENIGN_DIR;
    const benign = values['no-benign'] ? undefined : loadBenignSet(benignDir);
    const report = await runConformance({ rules: catalog, corpus, benign });
    if (values.json) out(JSON.stringify(report, null, 2));
    else for (const line of formatReport(report)) out(line);
    return exitCodeOf(report);
  } catch (error) {
    if (error instanceof CorpusError) {
      err(`conformance: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  );
}
