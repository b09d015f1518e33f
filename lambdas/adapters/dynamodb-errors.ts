/**
 * A lost conditional write. It is an expected outcome (someone else claimed the key first), not a failure.
 * Matched by name so it works whichever copy of the SDK threw it.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
