import type { Severity } from '../engine/types';

/**
 * Daily counters the alerter keeps in the state table for the daily summary: findings per UTC day (the day the
 * alerter handled them), rule, severity and whether they were emailed or counted into a digest.
 */
export type CountedAs = 'alerted' | 'aggregated';

/** Long enough for the summary of the previous day to read them, and a week of slack for re-runs. */
export const SUMMARY_COUNTER_TTL_SECONDS = 8 * 24 * 3600;

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function summaryCounterKey(day: string, ruleId: string, severity: Severity, as: CountedAs): string {
  return `summary#${day}#${ruleId}#${severity}#${as}`;
}
