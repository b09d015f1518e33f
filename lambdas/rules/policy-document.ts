/**
 * Reading IAM policy documents from CloudTrail requests (`PutUserPolicy`, `PutRolePolicy`, ...).
 *
 * CloudTrail logs `policyDocument` as the JSON text the caller sent; some clients send it URL-encoded (as the
 * IAM query API carries it). The text is attacker-controlled: parsing is bounded and never throws.
 */
import { asList, field, isRecord } from './helpers';

/** IAM's largest inline policy is 10,240 characters; anything far beyond that is not a real request. */
const MAX_DOCUMENT_CHARS = 131_072;
const MAX_STATEMENTS = 500;

/** The parsed policy object, or `undefined` when `raw` is not a readable policy document. */
export function parsePolicyDocument(raw: unknown): Record<string, unknown> | undefined {
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_DOCUMENT_CHARS) return undefined;
  const text = raw.replace(/^\ufeff/, '').trim();
  const direct = parseJsonObject(text);
  if (direct !== undefined) return direct;
  // URL-encoded (form encoding writes spaces as `+`; a literal `+` is always `%2B`, so mapping `+` is safe).
  if (!text.includes('%')) return undefined;
  try {
    return parseJsonObject(decodeURIComponent(text.replace(/\+/g, '%20')).trim());
  } catch {
    return undefined; // malformed percent-encoding
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The statements of a policy: `Statement` may be one object or an array of them. */
export function statementsOf(policy: Record<string, unknown>): Record<string, unknown>[] {
  return asList(field(policy, 'Statement'))
    .slice(0, MAX_STATEMENTS)
    .filter((s): s is Record<string, unknown> => isRecord(s));
}

/** `*`, `**`, `*:*`: patterns that match every action. */
function isEveryAction(value: unknown): boolean {
  return typeof value === 'string' && /^\*+(?::\*+)?$/.test(value.trim());
}

function isEveryResource(value: unknown): boolean {
  return typeof value === 'string' && /^\*+$/.test(value.trim());
}

/**
 * True when a statement allows every action on every resource: `Effect: Allow` with `Action: "*"` (string or in a
 * list) or any `NotAction` (an allow-list by exclusion is admin minus a few actions), on `Resource: "*"` or any
 * `NotResource`. Conditions are ignored on purpose: an admin grant behind a condition the attacker satisfies is
 * still an admin grant. `Deny` statements never count.
 */
export function isAdminStatement(statement: Record<string, unknown>): boolean {
  const effect = field(statement, 'Effect');
  if (typeof effect !== 'string' || effect.toLowerCase() !== 'allow') return false;
  const everyAction =
    field(statement, 'NotAction') !== undefined || asList(field(statement, 'Action')).some(isEveryAction);
  const everyResource =
    field(statement, 'NotResource') !== undefined ||
    asList(field(statement, 'Resource')).some(isEveryResource);
  return everyAction && everyResource;
}

/** True when the raw `policyDocument` parses and one of its statements is an admin grant. */
export function grantsAdmin(raw: unknown): boolean {
  const policy = parsePolicyDocument(raw);
  return policy !== undefined && statementsOf(policy).some(isAdminStatement);
}

/** Condition keys that, compared with a specific value, limit a statement to known callers or networks. */
const RESTRICTING_CONDITION_KEYS = new Set([
  'aws:sourceip',
  'aws:vpcsourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:userid',
  'aws:username',
]);

/** Operators that require the key to be present and equal to (or inside) the listed values. */
const POSITIVE_OPERATORS = /^(string(equals|like)(ignorecase)?|arn(equals|like)|ipaddress)$/;

function isWildcardValue(value: unknown): boolean {
  if (typeof value !== 'string') return true;
  const text = value.trim();
  return text.length === 0 || /^\*+$/.test(text) || /\/0$/.test(text);
}

/**
 * True when a condition block pins the statement to specific callers or networks: a positive operator (not
 * `...IfExists`, not `ForAllValues:`, which both pass when the key is absent) on one of the keys above, with only
 * concrete values (not `*`, not a `/0` range).
 */
export function hasRestrictingCondition(statement: Record<string, unknown>): boolean {
  const condition = field(statement, 'Condition');
  if (!isRecord(condition)) return false;
  return Object.entries(condition)
    .slice(0, MAX_STATEMENTS)
    .some(([operator, block]) => {
      const op = operator.toLowerCase().replace(/^foranyvalue:/, '');
      if (op.startsWith('forallvalues:') || op.endsWith('ifexists') || !POSITIVE_OPERATORS.test(op))
        return false;
      if (!isRecord(block)) return false;
      return Object.entries(block)
        .slice(0, MAX_STATEMENTS)
        .some(([key, values]) => {
          if (!RESTRICTING_CONDITION_KEYS.has(key.toLowerCase())) return false;
          const list = asList(values);
          return list.length > 0 && !list.some(isWildcardValue);
        });
    });
}

/** `"*"`, `{"AWS": "*"}`, `{"AWS": ["*", ...]}`: a principal that is anyone, signed in to AWS or not. */
function isEveryonePrincipal(principal: unknown): boolean {
  if (typeof principal === 'string') return principal.trim() === '*';
  if (!isRecord(principal)) return false;
  return Object.values(principal).some((value) =>
    asList(value).some((v) => typeof v === 'string' && v.trim() === '*'),
  );
}

/**
 * True when a resource-policy statement lets anyone in: `Effect: Allow` with `Principal: "*"` (or `AWS: "*"`),
 * or any `NotPrincipal` (allow everyone except a few), and no condition restricting it to known callers or
 * networks (see `hasRestrictingCondition`). Conditions such as `aws:SecureTransport` do not restrict who.
 */
export function isPublicStatement(statement: Record<string, unknown>): boolean {
  const effect = field(statement, 'Effect');
  if (typeof effect !== 'string' || effect.toLowerCase() !== 'allow') return false;
  const everyone =
    field(statement, 'NotPrincipal') !== undefined || isEveryonePrincipal(field(statement, 'Principal'));
  return everyone && !hasRestrictingCondition(statement);
}

/** The public statements of a raw resource policy (JSON text or object); none when it cannot be read. */
export function publicStatements(raw: unknown): Record<string, unknown>[] {
  const policy = parsePolicyDocument(raw);
  return policy === undefined ? [] : statementsOf(policy).filter(isPublicStatement);
}

/** The account id in an AWS principal: `123456789012`, or the account of an `arn:aws:iam::…` / `arn:aws:sts::…` ARN. */
export function principalAccount(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{12}$/.test(text)) return text;
  return /^arn:aws(?:-[a-z]+)*:(?:iam|sts)::(\d{12}):/.exec(text)?.[1];
}

/**
 * The 12-digit accounts other than `own` and the `trusted` ones (`context/trusted-accounts`) that an `Allow`
 * statement names as AWS principals (their root, users, roles, sessions or bare ids), sorted. Nothing when `own`
 * is not a 12-digit account id: without it, who is outside cannot be told.
 */
export function externalPrincipalAccounts(
  statement: Record<string, unknown>,
  own: string | undefined,
  trusted: ReadonlySet<string> = new Set(),
): string[] {
  const effect = field(statement, 'Effect');
  if (typeof effect !== 'string' || effect.toLowerCase() !== 'allow') return [];
  if (own === undefined || !/^\d{12}$/.test(own)) return [];
  const found = new Set<string>();
  for (const value of asList(field(field(statement, 'Principal'), 'AWS')).slice(0, MAX_STATEMENTS)) {
    const account = principalAccount(value);
    if (account !== undefined && account !== own && !trusted.has(account)) found.add(account);
  }
  return [...found].sort();
}
