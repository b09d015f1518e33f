import type { ActionId } from '../../engine/types';
import { classifyAwsError, InvalidActionParamsError, PermanentActionError } from './types';

/**
 * Runs one AWS call; a failure retrying cannot fix becomes a PermanentActionError, anything else is rethrown
 * unchanged for the caller to retry.
 */
export async function callAws<T>(actionId: ActionId, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (classifyAwsError(error) === 'permanent' && !(error instanceof PermanentActionError)) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new PermanentActionError(`${actionId}: ${what} failed: ${detail}`, { cause: error });
    }
    throw error;
  }
}

/** IAM user and role names: `[\w+=,.@-]{1,64}` (IAM API reference). */
export const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * A required string param matching `pattern`. Params come from plans built from untrusted CloudTrail fields,
 * so the offending value is not echoed back (it could be huge or contain control characters).
 */
export function requireParam(
  actionId: ActionId,
  params: Readonly<Record<string, unknown>>,
  name: string,
  pattern: RegExp,
  expected: string,
): string {
  const value = params[name];
  if (value === undefined || value === '') throw new InvalidActionParamsError(actionId, name, 'is required');
  if (typeof value !== 'string') throw new InvalidActionParamsError(actionId, name, 'must be a string');
  if (!pattern.test(value)) throw new InvalidActionParamsError(actionId, name, `must be ${expected}`);
  return value;
}

/** Reads a field of a recorded before-state, which comes back from the audit table as untyped JSON. */
export function recordedField<T extends 'string' | 'boolean'>(
  actionId: ActionId,
  before: Record<string, unknown>,
  field: string,
  type: T,
): T extends 'string' ? string : boolean {
  const value = before[field];
  if (typeof value !== type) {
    throw new PermanentActionError(
      `${actionId}: cannot undo: the recorded before-state has no ${type} "${field}" (got ${JSON.stringify(before).slice(0, 200)})`,
    );
  }
  return value as T extends 'string' ? string : boolean;
}

/** AWS region names (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`...). */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A recorded field that may be absent, null or a string (e.g. a policy document that did not exist before). */
export function recordedOptionalString(
  actionId: ActionId,
  record: Record<string, unknown>,
  field: string,
): string | null {
  const value = record[field];
  if (value === null) return null;
  if (typeof value !== 'string') {
    throw new PermanentActionError(
      `${actionId}: cannot undo: the recorded state has no "${field}" (string or null; got ${JSON.stringify(record).slice(0, 200)})`,
    );
  }
  return value;
}

/** A recorded list of strings (e.g. the accounts a snapshot was shared with). */
export function recordedStrings(
  actionId: ActionId,
  record: Record<string, unknown>,
  field: string,
): string[] {
  const value = record[field];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new PermanentActionError(
      `${actionId}: cannot undo: the recorded state has no list of strings "${field}" (got ${JSON.stringify(record).slice(0, 200)})`,
    );
  }
  return value;
}

/** `all` (public) or a 12-digit account id: who a snapshot or image is shared with. */
export const SHARE_TARGET = /^(all|\d{12})$/;
/** More than AWS allows on one snapshot is a malformed plan, not a reason to make hundreds of calls. */
const MAX_SHARE_TARGETS = 100;

/** The `sharedWith` param: a comma-separated list of `all` and account ids to remove, deduplicated, `all` first. */
export function requireShareTargets(actionId: ActionId, params: Readonly<Record<string, unknown>>): string[] {
  const raw = requireParam(
    actionId,
    params,
    'sharedWith',
    /^[a-z0-9,]{3,1400}$/,
    'a comma-separated list of "all" and 12-digit account ids',
  );
  const targets = [...new Set(raw.split(',').filter((t) => t.length > 0))];
  if (
    targets.length === 0 ||
    targets.length > MAX_SHARE_TARGETS ||
    !targets.every((t) => SHARE_TARGET.test(t))
  ) {
    throw new InvalidActionParamsError(
      actionId,
      'sharedWith',
      `must be 1-${MAX_SHARE_TARGETS} comma-separated entries, each "all" or a 12-digit account id`,
    );
  }
  return targets.sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b)));
}

/** "publicly and with account 111122223333" for messages. */
export function describeShares(targets: readonly string[]): string {
  const accounts = targets.filter((t) => t !== 'all');
  const parts: string[] = [];
  if (targets.includes('all')) parts.push('publicly');
  if (accounts.length > 0) parts.push(`with account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}`);
  return parts.join(' and ');
}

/**
 * A policy document as IAM returns it: URL-encoded JSON (the API reference says so; emulators sometimes return it
 * raw). Raw JSON is returned as is, so a literal `%` in a raw document is never mangled.
 */
export function decodePolicyDocument(text: string): string {
  if (text.trimStart().startsWith('{')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
