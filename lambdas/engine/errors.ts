/** A CloudTrail record that cannot be analysed (missing or mistyped required fields). Recorded and skipped. */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
}

/** A rule's predicate, threshold key or summary threw on an event. The rule is skipped for that event only. */
export class RuleEvaluationError extends Error {
  override readonly name = 'RuleEvaluationError';
  constructor(
    readonly ruleId: string,
    readonly eventId: string,
    cause: unknown,
  ) {
    super(
      `rule ${ruleId} failed on event ${eventId}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}
