/**
 * One conformance run: the catalog against the shared corpus and the benign set, with the targets it is held to.
 */
import type { Rule } from '../../lambdas/engine/types';
import { type BenignResult, measureBenign } from './benign';
import type { BenignSet, Corpus } from './corpus';
import { measurePanther, type PantherResult } from './panther';
import { measureStratus, type StratusResult } from './stratus';

export interface Targets {
  /** Stratus technique files detected by a rule naming the technique, at least. */
  readonly stratusDetected: number;
  /** Distinct Panther rules (with tests in the corpus) referenced by the catalog, at least. */
  readonly pantherReferenced: number;
  /** Agreement on counted referenced Panther rows, at least (0 to 1). */
  readonly agreement: number;
  /** High or critical findings on counted Panther rows expected false, not recorded as deliberate, at most. */
  readonly highFalsePositives: number;
}

/** The targets of issue #3. */
export const TARGETS: Targets = {
  stratusDetected: 33,
  pantherReferenced: 75,
  agreement: 0.95,
  highFalsePositives: 0,
};

export interface TargetResult {
  readonly id: keyof Targets;
  readonly label: string;
  readonly actual: number;
  /** The bound, in the same unit as `actual`. */
  readonly required: number;
  readonly comparison: '>=' | '<=';
  readonly pass: boolean;
}

export interface ConformanceReport {
  readonly catalog: { readonly rules: number };
  readonly corpus: {
    readonly dir: string;
    readonly stratusFiles: number;
    readonly pantherTests: number;
    readonly pantherRules: number;
  };
  readonly stratus: StratusResult;
  readonly panther: PantherResult;
  readonly benign?: BenignResult & { readonly dir: string };
  readonly targets: readonly TargetResult[];
  /** Every target passes. */
  readonly pass: boolean;
}

export function evaluateTargets(
  stratus: StratusResult,
  panther: PantherResult,
  targets: Targets = TARGETS,
): TargetResult[] {
  const referenced = panther.referenced.filter((r) => r.rows > 0).length;
  const unrecordedHigh = panther.highFalsePositives.filter((r) => r.outcome !== 'deliberate').length;
  const results: Omit<TargetResult, 'pass'>[] = [
    {
      id: 'stratusDetected',
      label: `Stratus technique files detected by a rule naming the technique (of ${stratus.total})`,
      actual: stratus.detected,
      required: targets.stratusDetected,
      comparison: '>=',
    },
    {
      id: 'pantherReferenced',
      label: 'Panther rules referenced (with tests in the corpus)',
      actual: referenced,
      required: targets.pantherReferenced,
      comparison: '>=',
    },
    {
      id: 'agreement',
      label: `agreement on referenced Panther rows (${panther.agreed}/${panther.counted})`,
      actual: panther.agreement,
      required: targets.agreement,
      comparison: '>=',
    },
    {
      id: 'highFalsePositives',
      label: 'high/critical findings on Panther rows expected false (not recorded as deliberate)',
      actual: unrecordedHigh,
      required: targets.highFalsePositives,
      comparison: '<=',
    },
  ];
  return results.map((t) => ({
    ...t,
    pass: t.comparison === '>=' ? t.actual >= t.required : t.actual <= t.required,
  }));
}

export interface ConformanceInput {
  readonly rules: readonly Rule[];
  readonly corpus: Corpus;
  readonly benign?: BenignSet;
  readonly targets?: Targets;
}

export async function runConformance(input: ConformanceInput): Promise<ConformanceReport> {
  const { rules, corpus } = input;
  const stratus = await measureStratus(rules, corpus.stratusFiles);
  const panther = await measurePanther(rules, corpus.pantherTests);
  const benign =
    input.benign === undefined
      ? undefined
      : {
          dir: input.benign.dir,
          ...(await measureBenign(rules, input.benign.files, input.benign.known, input.benign.config)),
        };
  const targets = evaluateTargets(stratus, panther, input.targets);
  return {
    catalog: { rules: rules.length },
    corpus: {
      dir: corpus.dir,
      stratusFiles: corpus.stratusFiles.length,
      pantherTests: corpus.pantherTests.length,
      pantherRules: new Set(corpus.pantherTests.map((t) => t.ruleId)).size,
    },
    stratus,
    panther,
    ...(benign === undefined ? {} : { benign }),
    targets,
    pass: targets.every((t) => t.pass),
  };
}

/** The script's exit code: 0 when every target passes, 1 otherwise. */
export function exitCodeOf(report: Pick<ConformanceReport, 'pass'>): number {
  return report.pass ? 0 : 1;
}
