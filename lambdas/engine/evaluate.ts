import { matchesPattern } from './pattern/match';
import type { CloudTrailRecord, Rule } from './types';

/**
 * Whether a single event satisfies a rule's match pattern and predicate (thresholds aside).
 * A predicate that throws on odd input counts as "no match": one malformed event must never stop the others,
 * and the engine reports the error separately.
 */
export function ruleMatches(rule: Rule, event: CloudTrailRecord): boolean {
  if (!matchesPattern(rule.match, event)) return false;
  return rule.predicate === undefined ? true : rule.predicate(event);
}
