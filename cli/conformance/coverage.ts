/**
 * What a team migrating from Panther, Sigma or a Stratus-based test plan keeps: every item of each catalog, the
 * TrailGuard rules that cover it (from the rules' own metadata), and what the corpus says about that claim.
 */
import type { Rule } from '../../lambdas/engine/types';
import type { Corpus } from './corpus';
import type { PantherResult } from './panther';
import type { StratusResult } from './stratus';

export interface CoverageItem {
  readonly id: string;
  /** Display name, level or severity as the source gives it. */
  readonly name: string;
  readonly detail: string;
  readonly coveredBy: readonly string[];
  /**
   * What the corpus says about the claim: Panther `agree/counted` test rows, Stratus `detected` / `not detected`
   * on the detonation log, `no log` / `no tests` when there is nothing to check; empty for Sigma (no events).
   */
  readonly evidence: string;
}

export interface CoverageSection {
  readonly total: number;
  readonly covered: number;
  /** Covered items first, then the rest; each group sorted by id. */
  readonly items: readonly CoverageItem[];
  /** Items the rules name that the source does not list (a typo, or a newer source). */
  readonly unknownReferences: readonly string[];
}

export interface Coverage {
  readonly panther: CoverageSection;
  readonly sigma: CoverageSection;
  readonly stratus: CoverageSection;
}

function section(
  items: { id: string; name: string; detail: string; evidence: (coveredBy: string[]) => string }[],
  claims: Map<string, string[]>,
): CoverageSection {
  const rows = items.map((item) => {
    const coveredBy = claims.get(item.id) ?? [];
    return {
      id: item.id,
      name: item.name,
      detail: item.detail,
      coveredBy,
      evidence: item.evidence(coveredBy),
    };
  });
  const byId = (a: CoverageItem, b: CoverageItem) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const covered = rows.filter((r) => r.coveredBy.length > 0).sort(byId);
  const known = new Set(items.map((i) => i.id));
  return {
    total: rows.length,
    covered: covered.length,
    items: [...covered, ...rows.filter((r) => r.coveredBy.length === 0).sort(byId)],
    unknownReferences: [...claims.keys()].filter((id) => !known.has(id)).sort(),
  };
}

function claimsOf(
  rules: readonly Rule[],
  of: (rule: Rule) => readonly string[] | undefined,
): Map<string, string[]> {
  const claims = new Map<string, string[]>();
  for (const rule of rules) {
    for (const id of new Set(of(rule) ?? [])) claims.set(id, [...(claims.get(id) ?? []), rule.id]);
  }
  return claims;
}

/** Builds the three sections; `panther` and `stratus` are conformance results over the same rules and corpus. */
export function buildCoverage(
  rules: readonly Rule[],
  corpus: Corpus,
  panther: PantherResult,
  stratus: StratusResult,
): Coverage {
  const pantherRows = new Map(panther.referenced.map((r) => [r.panther, r]));
  const stratusFiles = new Map(stratus.files.map((f) => [f.technique, f]));
  return {
    panther: section(
      corpus.pantherRules.map((r) => ({
        id: r.id,
        name: r.displayName,
        detail: `${r.severity}${r.enabled ? '' : ', disabled in Panther'}`,
        evidence: (coveredBy) => {
          const row = pantherRows.get(r.id);
          if (coveredBy.length === 0 || row === undefined) return '';
          const counted = row.agree + row.disagree + row.deliberate;
          if (row.rows === 0) return 'no tests';
          const notes = [
            row.deliberate > 0 ? `${row.deliberate} deliberate disagreements` : '',
            row.mocks > 0 ? `${row.mocks} with mocks not counted` : '',
            row.unevaluated > 0 ? `${row.unevaluated} not evaluable` : '',
          ].filter((n) => n.length > 0);
          return `${row.agree}/${counted} tests agree${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
        },
      })),
      claimsOf(rules, (rule) => rule.references?.panther),
    ),
    sigma: section(
      corpus.sigmaRules.map((r) => ({ id: r.title, name: r.title, detail: r.level, evidence: () => '' })),
      claimsOf(rules, (rule) => rule.references?.sigma),
    ),
    stratus: section(
      corpus.stratusTechniques.map((t) => ({
        id: t.id,
        name: t.name,
        detail: t.tactics.join(', '),
        evidence: (coveredBy) => {
          if (coveredBy.length === 0) return '';
          const file = stratusFiles.get(t.id);
          if (file === undefined) return 'no detonation log';
          return file.detected ? 'detected on its log' : 'NOT detected on its log';
        },
      })),
      claimsOf(rules, (rule) => rule.stratus),
    ),
  };
}
