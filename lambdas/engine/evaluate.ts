import { NO_CONTEXT } from './context';
import { matchesPattern } from './pattern/match';
import type { CloudTrailRecord, DetectionContext, Rule } from './types';

/**
 * Whether a single event satisfies a rule's match pattern and predicate (thresholds aside).
 * A predicate that throws on odd input counts as "no match": one malformed event must never stop the others,
 * and the engine reports the error separately.
 */
export function ruleMatches(
  rule: Rule,
  event: CloudTrailRecord,
  context: DetectionContext = NO_CONTEXT,
): boolean {
  if (!matchesPattern(rule.match, event)) return false;
  return rule.predicate === undefined ? true : rule.predicate(event, context);
}
