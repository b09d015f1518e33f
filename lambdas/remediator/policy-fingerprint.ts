import { createHash } from 'node:crypto';

/** IAM's largest policy document is far below this; anything bigger is not a real document. */
const MAX_DOCUMENT_CHARS = 131_072;

/**
 * A stable fingerprint of an IAM policy document: SHA-256 of its JSON with object keys sorted at every level, so
 * the same policy read from a CloudTrail request (raw or URL-encoded JSON, any whitespace or key order) and from
 * `GetRole` (URL-encoded) compare equal. Arrays keep their order: IAM does too. `undefined` when `raw` is not a
 * readable JSON object. Pure and never throws (the input is attacker-controlled); used by the rule that plans a
 * trust-policy restore and by the action that checks the role still has the document the attacker set.
 */
export function policyFingerprint(raw: unknown): string | undefined {
  const parsed = typeof raw === 'string' ? parse(raw) : raw;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return createHash('sha256').update(canonicalJson(parsed)).digest('hex');
}

function parse(text: string): unknown {
  if (text.length === 0 || text.length > MAX_DOCUMENT_CHARS) return undefined;
  const trimmed = text.replace(/^\ufeff/, '').trim();
  const direct = tryJson(trimmed);
  if (direct !== undefined || !trimmed.includes('%')) return direct;
  try {
    // Form encoding writes spaces as `+`; a literal `+` is always `%2B`, so mapping `+` is safe.
    return tryJson(decodeURIComponent(trimmed.replace(/\+/g, '%20')).trim());
  } catch {
    return undefined;
  }
}

function tryJson(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
