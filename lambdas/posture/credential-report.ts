/**
 * Parsing the IAM credential report (`GetCredentialReport`, `text/csv`).
 * Format: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
 *
 * Columns are looked up by header name, not position, so an added column does not shift the others. A row that does
 * not parse is reported as a gap and left out; it never makes a check pass or fail on a guess.
 */
import type { CredentialReportRow, KeySlot, LastUse } from './types';

export const ROOT_ROW_USER = '<root_account>';

/** The columns the checks read; a report without one of them is rejected as a whole. */
export const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
] as const;

/** A credential report whose header lacks a column the checks need: nothing in it can be trusted. */
export class CredentialReportFormatError extends Error {
  override readonly name = 'CredentialReportFormatError';
}

export interface ParsedCredentialReport {
  readonly users: CredentialReportRow[];
  readonly root?: CredentialReportRow;
  /** Rows left out, with why. */
  readonly gaps: string[];
}

/** IAM writes ISO 8601 with seconds and an offset, e.g. `2014-09-01T22:28:48+00:00`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** IAM user names: `[\w+=,.@-]`, 1 to 64 characters (the root row is `<root_account>`). */
const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/[\w+=,.@/-]{1,576})$/;

function parseDate(value: string | undefined): Date | undefined {
  if (value === undefined || !ISO_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

function parseBool(value: string | undefined): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** `password_last_used`: a date, `no_information` (never used), `N/A` (no password), `not_supported` (root). */
function passwordUse(value: string | undefined): LastUse {
  const at = parseDate(value);
  if (at) return { kind: 'used', at };
  if (value === 'no_information') return { kind: 'never' };
  if (value === 'N/A' || value === 'not_supported') return { kind: 'not-applicable' };
  return { kind: 'unknown', raw: (value ?? '').slice(0, 40) };
}

/** `access_key_N_last_used_date`: a date, or `N/A` when the key was never used or the slot is empty. */
function keyUse(value: string | undefined): LastUse {
  const at = parseDate(value);
  if (at) return { kind: 'used', at };
  if (value === 'N/A') return { kind: 'never' };
  return { kind: 'unknown', raw: (value ?? '').slice(0, 40) };
}

/** RFC 4180 fields: commas, quoted fields with `""` escapes and CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field.length === 0) quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Parses the report text into validated rows. Throws only when the header itself is unusable. */
export function parseCredentialReport(text: string): ParsedCredentialReport {
  const [header, ...lines] = parseCsv(text.replace(/^\ufeff/, ''));
  if (header === undefined) throw new CredentialReportFormatError('the credential report is empty');
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = REQUIRED_COLUMNS.filter((column) => !index.has(column));
  if (missing.length > 0) {
    throw new CredentialReportFormatError(`the credential report lacks column(s): ${missing.join(', ')}`);
  }
  const users: CredentialReportRow[] = [];
  let root: CredentialReportRow | undefined;
  const gaps: string[] = [];
  for (const [n, cells] of lines.entries()) {
    const get = (column: (typeof REQUIRED_COLUMNS)[number]) => cells[index.get(column) ?? -1]?.trim();
    const where = `credential report line ${n + 2}`;
    if (cells.length !== header.length) {
      gaps.push(`${where}: ${cells.length} fields where the header has ${header.length}; row ignored`);
      continue;
    }
    const user = get('user') ?? '';
    const arn = get('arn') ?? '';
    const isRoot = user === ROOT_ROW_USER;
    if (!isRoot && !USER_NAME.test(user)) {
      gaps.push(`${where}: not a valid IAM user name; row ignored`);
      continue;
    }
    if (!ARN.test(arn) || isRoot !== arn.endsWith(':root')) {
      gaps.push(`${where} (${isRoot ? 'root' : user}): not a valid IAM user or root ARN; row ignored`);
      continue;
    }
    const mfaActive = parseBool(get('mfa_active'));
    const slot = (n: 1 | 2): KeySlot | undefined => {
      const active = parseBool(get(`access_key_${n}_active`));
      if (active === undefined) return undefined;
      return {
        slot: n,
        active,
        lastRotated: parseDate(get(`access_key_${n}_last_rotated`)),
        lastUsed: keyUse(get(`access_key_${n}_last_used_date`)),
      };
    };
    const key1 = slot(1);
    const key2 = slot(2);
    if (mfaActive === undefined || key1 === undefined || key2 === undefined) {
      gaps.push(
        `${where} (${isRoot ? 'root' : user}): mfa_active or access_key_N_active is not true/false; row ignored`,
      );
      continue;
    }
    const row: CredentialReportRow = {
      user,
      arn,
      isRoot,
      userCreationTime: parseDate(get('user_creation_time')),
      passwordEnabled: parseBool(get('password_enabled')),
      passwordLastUsed: passwordUse(get('password_last_used')),
      passwordLastChanged: parseDate(get('password_last_changed')),
      mfaActive,
      keys: [key1, key2],
    };
    if (isRoot) root = row;
    else users.push(row);
  }
  return { users, root, gaps };
}
