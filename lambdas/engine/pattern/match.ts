/**
 * A pure EventBridge event-pattern matcher (no AWS SDK, no I/O).
 *
 * Semantics follow Amazon EventBridge as documented in the user guide (event patterns, comparison operators,
 * arrays, null values and empty strings) and as implemented by aws/event-ruler, the engine behind EventBridge.
 * Where the documentation is silent we follow behaviour recorded against real EventBridge by localstack's
 * `TestEventPattern` snapshot suite (for example: `anything-but` matches a JSON `null`, `exists: true` does not
 * match an empty array, `300` matches `300.0`).
 *
 * The same matcher runs in the analyzer Lambda, the CLI and (through `compile.ts`) shapes the EventBridge rules,
 * so the three runtimes agree on what a rule matches.
 *
 * Known differences from EventBridge. Rule authors should not depend on any of them:
 * - `exists: false` under an array of objects is checked element by element here. EventBridge treats the field as
 *   present if any element has it, unless fields matched before it pin one element (aws/event-ruler `ACFinder`),
 *   so `{items: {id: [{exists: false}]}}` matches `{items: [{id: 1}, {}]}` here but not in EventBridge.
 * - EventBridge joins nested keys with `.`, so `{"a.b": [...]}` and `{a: {b: [...]}}` can match each other
 *   there. The user guide says not to rely on this, and this matcher does not do it.
 * - Exact string values are compared as written. EventBridge turns IP-address strings into ranges, so two
 *   spellings of the same IPv6 address can match each other there.
 * - Case-insensitive operators compare `toLowerCase()` forms. EventBridge compares each character with its
 *   lower- and upper-case forms. The results differ only for a few non-ASCII characters.
 * - EventBridge's wildcard complexity check ("Rule is too complex") is not reproduced.
 */
import type { EventPattern } from '../types';

/** A malformed event pattern. `path` names the offending element, e.g. `match.detail.eventName[2]`. */
export class InvalidPatternError extends Error {
  override readonly name = 'InvalidPatternError';

  constructor(
    /** Who owns the pattern, e.g. `rule cloudtrail.logging-stopped`. */
    readonly where: string,
    /** Path inside the pattern, starting with the root name, e.g. `match.detail.eventName[2]`. */
    readonly path: string,
    /** Why it is wrong. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${where}: ${path}: ${reason}`, options);
  }
}

/** A compiled pattern: never throws, returns `false` for anything that is not a matching JSON object. */
export type CompiledPattern = (event: unknown) => boolean;

/** Operator names EventBridge reserves; they cannot be field names inside `$or` (aws/event-ruler `Constants`). */
export const RESERVED_OPERATOR_NAMES: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * Numeric matching is limited to -5e9..5e9 and compares numbers at 6 decimal digits (aws/event-ruler
 * `ComparableNumber`): both sides are turned into `trunc(1e6 * (5e9 + n))` before comparing.
 */
export const NUMERIC_LIMIT = 5e9;

/** Deeper patterns are rejected: EventBridge events are shallow and this also stops cyclic pattern objects. */
const MAX_PATTERN_DEPTH = 64;
/** Nested event arrays deeper than this are treated as holding no values (JSON can nest arbitrarily). */
const MAX_ARRAY_DEPTH = 32;

/**
 * Validates `pattern` with EventBridge's rules and throws an `InvalidPatternError` naming the first bad element.
 *
 * @param where prefix of the message, e.g. `rule cloudtrail.logging-stopped`
 * @param root name of the pattern's root in the path
 * @default root `match`
 */
export function validatePattern(pattern: unknown, where: string, root = 'match'): void {
  compileObject(pattern, { where, depth: 0, inOr: false }, root);
}

/** Validates `pattern` once and returns a closure that matches events against it. */
export function compilePattern(pattern: EventPattern, where = 'pattern'): CompiledPattern {
  const node = compileObject(pattern, { where, depth: 0, inOr: false }, 'match');
  return (event: unknown): boolean => {
    if (!isPlainObject(event)) return false;
    try {
      return node.match(event);
    } catch {
      // Only reachable with exotic inputs (proxies, throwing getters, stack exhaustion): never a match.
      return false;
    }
  };
}

const cache = new WeakMap<EventPattern, CompiledPattern>();

/**
 * Whether `event` matches `pattern`. Patterns are compiled once and cached by identity, so treat them as
 * immutable. Throws `InvalidPatternError` for a malformed pattern; never throws because of the event.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = compilePattern(pattern);
    cache.set(pattern, compiled);
  }
  return compiled(event);
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled structure
// ---------------------------------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

interface ObjectNode {
  match(obj: JsonObject): boolean;
  /** Result against an object without any of the fields: precomputed for missing, scalar or object-less values. */
  readonly matchesEmpty: boolean;
}

interface Ctx {
  readonly where: string;
  readonly depth: number;
  /** Inside an `$or` alternative, where operator names cannot be field names. */
  readonly inOr: boolean;
}

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;
const hasOwn = Object.prototype.hasOwnProperty;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(ctx: Ctx, path: string, reason: string): never {
  throw new InvalidPatternError(ctx.where, path, reason);
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;
function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A field lookup that never reads inherited properties (`constructor`, `__proto__`, `toString`, ...). */
function makeGetter(key: string): (obj: JsonObject) => unknown {
  if (key in Object.prototype) {
    return (obj) => (hasOwn.call(obj, key) ? obj[key] : undefined);
  }
  return (obj) => obj[key];
}

interface FieldTest {
  readonly get: (obj: JsonObject) => unknown;
  readonly test: (value: unknown) => boolean;
}

function compileObject(pattern: unknown, ctx: Ctx, path: string): ObjectNode {
  if (ctx.depth > MAX_PATTERN_DEPTH)
    fail(ctx, path, `pattern is nested deeper than ${MAX_PATTERN_DEPTH} levels`);
  if (!isPlainObject(pattern)) fail(ctx, path, `must be an object, got ${describe(pattern)}`);
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(ctx, path, 'empty objects are not allowed');

  const fields: FieldTest[] = [];
  let alternatives: ObjectNode[] | undefined;
  const inner: Ctx = { where: ctx.where, depth: ctx.depth + 1, inOr: ctx.inOr };

  for (const key of keys) {
    const value = pattern[key];
    const keyPath = childPath(path, key);
    if (key === '$or') {
      alternatives = compileOr(value, inner, keyPath);
      continue;
    }
    if (ctx.inOr && RESERVED_OPERATOR_NAMES.has(key)) {
      fail(ctx, keyPath, `"${key}" is a reserved operator name and cannot be a field name inside $or`);
    }
    if (Array.isArray(value)) {
      fields.push({ get: makeGetter(key), test: compileLeaf(value, inner, keyPath) });
    } else if (isPlainObject(value)) {
      fields.push({ get: makeGetter(key), test: objectFieldTest(compileObject(value, inner, keyPath)) });
    } else {
      fail(ctx, keyPath, `must be an object or an array, got ${describe(value)}`);
    }
  }

  const ors = alternatives;
  const match = (obj: JsonObject): boolean => {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as FieldTest;
      if (!field.test(field.get(obj))) return false;
    }
    if (ors === undefined) return true;
    for (let i = 0; i < ors.length; i++) {
      if ((ors[i] as ObjectNode).match(obj)) return true;
    }
    return false;
  };
  return { match, matchesEmpty: match(EMPTY) };
}

function compileOr(value: unknown, ctx: Ctx, path: string): ObjectNode[] {
  if (!Array.isArray(value))
    fail(ctx, path, `must be an array of at least 2 objects, got ${describe(value)}`);
  if (value.length < 2) fail(ctx, path, `must hold at least 2 alternatives, got ${value.length}`);
  const orCtx: Ctx = { where: ctx.where, depth: ctx.depth, inOr: true };
  return value.map((alternative, i) => compileObject(alternative, orCtx, `${path}[${i}]`));
}

/**
 * A nested pattern applied to an event value. Arrays of objects match when any element matches (EventBridge's
 * array consistency: fields matched together must come from the same element). A value that is not an object
 * (missing, scalar, null, scalar array) has none of the nested fields, so only `exists: false` can hold there.
 */
function objectFieldTest(node: ObjectNode): (value: unknown) => boolean {
  const { matchesEmpty } = node;
  const inArray = (arr: readonly unknown[], depth: number): number => {
    // Returns 1 on a match, 0 when objects were seen but none matched, -1 when no object was seen.
    let sawObject = -1;
    for (let i = 0; i < arr.length; i++) {
      const el = arr[i];
      if (Array.isArray(el)) {
        if (depth >= MAX_ARRAY_DEPTH) continue;
        const r = inArray(el, depth + 1);
        if (r === 1) return 1;
        if (r === 0) sawObject = 0;
      } else if (typeof el === 'object' && el !== null) {
        if (node.match(el as JsonObject)) return 1;
        sawObject = 0;
      }
    }
    return sawObject;
  };
  return (value) => {
    if (typeof value !== 'object' || value === null) return matchesEmpty;
    if (!Array.isArray(value)) return node.match(value as JsonObject);
    const r = inArray(value, 0);
    return r === 1 || (r === -1 && matchesEmpty);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Leaves
// ---------------------------------------------------------------------------------------------------------------

type ScalarTest = (value: unknown) => boolean;
type StringTest = (value: string) => boolean;
type NumberTest = (value: number) => boolean;

interface LeafSpec {
  strings: Set<string>;
  numbers: number[];
  matchTrue: boolean;
  matchFalse: boolean;
  matchNull: boolean;
  existsTrue: boolean;
  existsFalse: boolean;
  stringTests: StringTest[];
  numberTests: NumberTest[];
  /** `anything-but` tests: they see every scalar type. */
  anyTests: ScalarTest[];
}

/**
 * A leaf: a list of values and operators, ORed. When the event holds an array, the leaf matches when any scalar
 * element matches. Objects are not leaves: a field holding one is "absent" for `exists`.
 */
function compileLeaf(list: readonly unknown[], ctx: Ctx, path: string): (value: unknown) => boolean {
  if (list.length === 0) fail(ctx, path, 'empty arrays are not allowed');
  const spec: LeafSpec = {
    strings: new Set(),
    numbers: [],
    matchTrue: false,
    matchFalse: false,
    matchNull: false,
    existsTrue: false,
    existsFalse: false,
    stringTests: [],
    numberTests: [],
    anyTests: [],
  };
  list.forEach((item, i) => {
    addLeafItem(spec, item, ctx, `${path}[${i}]`);
  });

  const scalar = scalarTest(spec);
  const { existsTrue, existsFalse } = spec;

  const inArray = (arr: readonly unknown[], depth: number): number => {
    // Returns 1 on a match, 0 when scalars were seen but none matched, -1 when the array holds no scalar.
    let seen = -1;
    for (let i = 0; i < arr.length; i++) {
      const el = arr[i];
      if (Array.isArray(el)) {
        if (depth >= MAX_ARRAY_DEPTH) continue;
        const r = inArray(el, depth + 1);
        if (r === 1) return 1;
        if (r === 0) seen = 0;
      } else if (typeof el !== 'object' || el === null) {
        if (existsTrue || scalar(el)) return 1;
        seen = 0;
      }
    }
    return seen;
  };

  return (value) => {
    if (value === undefined) return existsFalse;
    if (typeof value === 'object' && value !== null) {
      if (!Array.isArray(value)) return existsFalse;
      const r = inArray(value, 0);
      return r === 1 || (r === -1 && existsFalse);
    }
    return existsTrue || scalar(value);
  };
}

/** A leaf with this many string operators remembers its recent verdicts (see `memoStringTests`). */
const MEMO_MIN_TESTS = 4;
const MEMO_MAX_ENTRIES = 512;
const MEMO_MAX_LENGTH = 1024;

/**
 * Leaves with many string operators (a list of user-agent wildcards, say) run them all on every event, while the
 * values they see repeat (a few user agents make most of a log). The operators are pure, so their combined verdict
 * is remembered per value: bounded in entries and value length, cleared when full.
 */
function memoStringTests(tests: readonly StringTest[]): StringTest {
  const any = (value: string): boolean => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as StringTest)(value)) return true;
    return false;
  };
  if (tests.length < MEMO_MIN_TESTS) return any;
  const memo = new Map<string, boolean>();
  return (value) => {
    if (value.length > MEMO_MAX_LENGTH) return any(value);
    const known = memo.get(value);
    if (known !== undefined) return known;
    const verdict = any(value);
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(value, verdict);
    return verdict;
  };
}

function scalarTest(spec: LeafSpec): ScalarTest {
  const { strings, numbers, matchTrue, matchFalse, matchNull, numberTests, anyTests } = spec;
  const hasStrings = strings.size > 0;
  const hasStringTests = spec.stringTests.length > 0;
  const stringTests = memoStringTests(spec.stringTests);
  return (value) => {
    switch (typeof value) {
      case 'string':
        if (hasStrings && strings.has(value)) return true;
        if (hasStringTests && stringTests(value)) return true;
        break;
      case 'number':
        for (let i = 0; i < numbers.length; i++) if (numbersEqual(value, numbers[i] as number)) return true;
        for (let i = 0; i < numberTests.length; i++) if ((numberTests[i] as NumberTest)(value)) return true;
        break;
      case 'boolean':
        if (value ? matchTrue : matchFalse) return true;
        break;
      default:
        if (value === null && matchNull) return true;
    }
    for (let i = 0; i < anyTests.length; i++) if ((anyTests[i] as ScalarTest)(value)) return true;
    return false;
  };
}

function addLeafItem(spec: LeafSpec, item: unknown, ctx: Ctx, path: string): void {
  switch (typeof item) {
    case 'string':
      spec.strings.add(item);
      return;
    case 'number':
      if (!Number.isFinite(item)) fail(ctx, path, `numbers must be finite, got ${item}`);
      spec.numbers.push(item);
      return;
    case 'boolean':
      if (item) spec.matchTrue = true;
      else spec.matchFalse = true;
      return;
    default:
      if (item === null) {
        spec.matchNull = true;
        return;
      }
  }
  if (!isPlainObject(item)) {
    fail(
      ctx,
      path,
      `match values must be a string, number, boolean, null or an operator object, got ${describe(item)}`,
    );
  }
  const keys = Object.keys(item);
  if (keys.length !== 1) {
    fail(
      ctx,
      path,
      `an operator object needs exactly one operator, got ${keys.length === 0 ? 'none' : keys.join(', ')}`,
    );
  }
  const op = keys[0] as string;
  const arg = item[op];
  const argPath = childPath(path, op);
  switch (op) {
    case 'prefix':
    case 'suffix': {
      let text: string;
      let ignoreCase = false;
      if (typeof arg === 'string') {
        text = arg;
      } else if (isPlainObject(arg)) {
        const inner = Object.keys(arg);
        if (inner.length !== 1 || inner[0] !== 'equals-ignore-case') {
          fail(
            ctx,
            argPath,
            `only {"equals-ignore-case": "..."} is allowed inside ${op}, got ${inner.join(', ') || 'none'}`,
          );
        }
        const value = arg['equals-ignore-case'];
        if (typeof value !== 'string') {
          fail(ctx, childPath(argPath, 'equals-ignore-case'), `must be a string, got ${describe(value)}`);
        }
        text = value;
        ignoreCase = true;
      } else {
        fail(ctx, argPath, `${op} match pattern must be a string, got ${describe(arg)}`);
      }
      spec.stringTests.push(affixTest(op, text, ignoreCase));
      return;
    }
    case 'equals-ignore-case': {
      if (typeof arg !== 'string')
        fail(ctx, argPath, `equals-ignore-case match pattern must be a string, got ${describe(arg)}`);
      const lower = arg.toLowerCase();
      spec.stringTests.push((value) => equalsIgnoreCase(value, lower));
      return;
    }
    case 'wildcard': {
      if (typeof arg !== 'string')
        fail(ctx, argPath, `wildcard match pattern must be a string, got ${describe(arg)}`);
      const parts = parseWildcard(arg, ctx, argPath);
      spec.stringTests.push((value) => wildcardMatches(value, parts));
      return;
    }
    case 'exists':
      if (typeof arg !== 'boolean') fail(ctx, argPath, `exists must be true or false, got ${describe(arg)}`);
      if (arg) spec.existsTrue = true;
      else spec.existsFalse = true;
      return;
    case 'numeric':
      spec.numberTests.push(compileNumeric(arg, ctx, argPath));
      return;
    case 'cidr':
      spec.stringTests.push(compileCidr(arg, ctx, argPath));
      return;
    case 'anything-but':
      spec.anyTests.push(compileAnythingBut(arg, ctx, argPath));
      return;
    default:
      fail(ctx, path, `unknown operator ${JSON.stringify(op)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// String operators
// ---------------------------------------------------------------------------------------------------------------

function affixTest(kind: 'prefix' | 'suffix', text: string, ignoreCase: boolean): StringTest {
  if (!ignoreCase) {
    return kind === 'prefix' ? (value) => value.startsWith(text) : (value) => value.endsWith(text);
  }
  const lower = text.toLowerCase();
  return kind === 'prefix'
    ? (value) => startsWithIgnoreCase(value, lower)
    : (value) => endsWithIgnoreCase(value, lower);
}

// Case-insensitive comparisons compare `toLowerCase()` forms. The loops below avoid allocating for ASCII and fall
// back to `toLowerCase()` at the first non-ASCII character, whose lower case may change the string's length.

function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code | 32 : code;
}

function equalsIgnoreCase(value: string, lower: string): boolean {
  if (value.length !== lower.length) return hasNonAscii(value) && value.toLowerCase() === lower;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 127) return value.toLowerCase() === lower;
    if (lowerAscii(code) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function startsWithIgnoreCase(value: string, lower: string): boolean {
  const n = lower.length;
  if (value.length < n) return hasNonAscii(value) && value.toLowerCase().startsWith(lower);
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(i);
    if (code > 127) return value.toLowerCase().startsWith(lower);
    if (lowerAscii(code) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function endsWithIgnoreCase(value: string, lower: string): boolean {
  const n = lower.length;
  const offset = value.length - n;
  if (offset < 0) return hasNonAscii(value) && value.toLowerCase().endsWith(lower);
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(offset + i);
    if (code > 127) return value.toLowerCase().endsWith(lower);
    if (lowerAscii(code) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function hasNonAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 127) return true;
  return false;
}

/**
 * Splits a wildcard pattern at its unescaped `*` into literal parts (`parts.length - 1` stars). `\*` is a literal
 * star and `\\` a literal backslash; any other escape, a trailing backslash and `**` are rejected, as EventBridge does.
 */
function parseWildcard(pattern: string, ctx: Ctx, path: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') fail(ctx, path, `consecutive wildcard characters at position ${i}`);
      parts.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        fail(ctx, path, `invalid escape at position ${i}: only \\* and \\\\ are allowed`);
      }
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** `*` matches any run of characters, including none. Leftmost placement of the inner parts is optimal. */
function wildcardMatches(value: string, parts: readonly string[]): boolean {
  const last = parts.length - 1;
  const head = parts[0] as string;
  if (last === 0) return value === head;
  const tail = parts[last] as string;
  if (value.length < head.length + tail.length) return false;
  if (!value.startsWith(head) || !value.endsWith(tail)) return false;
  let pos = head.length;
  const end = value.length - tail.length;
  for (let i = 1; i < last; i++) {
    const part = parts[i] as string;
    const at = value.indexOf(part, pos);
    if (at < 0 || at + part.length > end) return false;
    pos = at + part.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// anything-but
// ---------------------------------------------------------------------------------------------------------------

/**
 * `anything-but` matches any present scalar the excluded values do not cover, whatever its type: a `null`, a
 * boolean or a number passes a string exclusion (recorded against EventBridge by localstack). A missing field or
 * an object never matches (there is no leaf value to test).
 */
function compileAnythingBut(arg: unknown, ctx: Ctx, path: string): ScalarTest {
  if (typeof arg === 'string') return (value) => value !== arg;
  if (typeof arg === 'number') {
    const n = checkNumber(arg, ctx, path);
    return (value) => !(typeof value === 'number' && numbersEqual(value, n));
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail(ctx, path, 'empty arrays are not allowed');
    if (arg.every((v) => typeof v === 'string')) {
      const excluded = new Set(arg as string[]);
      return (value) => !(typeof value === 'string' && excluded.has(value));
    }
    if (arg.every((v) => typeof v === 'number')) {
      const excluded = arg.map((v, i) => checkNumber(v as number, ctx, `${path}[${i}]`));
      return (value) => !(typeof value === 'number' && excluded.some((n) => numbersEqual(value, n)));
    }
    fail(ctx, path, 'an anything-but list must hold only strings or only numbers');
  }
  if (!isPlainObject(arg)) {
    fail(
      ctx,
      path,
      `must be a string, a number, a list of them, or an operator object, got ${describe(arg)}`,
    );
  }
  const keys = Object.keys(arg);
  if (keys.length !== 1) fail(ctx, path, `needs exactly one operator, got ${keys.join(', ') || 'none'}`);
  const op = keys[0] as string;
  const opPath = childPath(path, op);
  const raw = arg[op];
  if (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case' && op !== 'wildcard') {
    fail(ctx, opPath, `unsupported anything-but operator ${JSON.stringify(op)}`);
  }
  const values = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) {
    fail(ctx, opPath, `must be a string or a non-empty list of strings, got ${describe(raw)}`);
  }
  const texts = values as string[];
  let tests: StringTest[];
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (texts.some((t) => t === '')) fail(ctx, opPath, `an empty ${op} is not allowed in anything-but`);
      tests = texts.map((t) => affixTest(op, t, false));
      break;
    case 'equals-ignore-case':
      tests = texts.map((t) => {
        const lower = t.toLowerCase();
        return (value: string) => equalsIgnoreCase(value, lower);
      });
      break;
    default:
      tests = texts.map((t, i) => {
        const parts = parseWildcard(t, ctx, typeof raw === 'string' ? opPath : `${opPath}[${i}]`);
        return (value: string) => wildcardMatches(value, parts);
      });
  }
  return (value) => {
    if (typeof value !== 'string') return true;
    for (let i = 0; i < tests.length; i++) if ((tests[i] as StringTest)(value)) return false;
    return true;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------------------------

/** EventBridge's comparable form of a number in range, or `undefined` outside -5e9..5e9. */
function comparable(n: number): number | undefined {
  return n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT ? Math.trunc(1e6 * (NUMERIC_LIMIT + n)) : undefined;
}

/** Exact number matching is by value at EventBridge's precision: `300`, `300.0` and `3.0e2` are equal. */
function numbersEqual(value: number, n: number): boolean {
  if (value === n) return true;
  const a = comparable(value);
  return a !== undefined && a === comparable(n);
}

function checkNumber(n: number, ctx: Ctx, path: string): number {
  if (!Number.isFinite(n) || n < -NUMERIC_LIMIT || n > NUMERIC_LIMIT) {
    fail(ctx, path, `numbers must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, got ${n}`);
  }
  return n;
}

/**
 * `numeric` grammar (aws/event-ruler `JsonRuleCompiler`): `["=", n]`, `["<", n]`, `["<=", n]`, `[">", n]`,
 * `[">=", n]`, or a range `[">" | ">=", low, "<" | "<=", high]` with `low < high`. Only JSON numbers match.
 */
function compileNumeric(arg: unknown, ctx: Ctx, path: string): NumberTest {
  if (!Array.isArray(arg)) fail(ctx, path, `must be an array, got ${describe(arg)}`);
  if (arg.length !== 2 && arg.length !== 4) {
    fail(
      ctx,
      path,
      `must be [operator, number] or [">" | ">=", low, "<" | "<=", high], got ${arg.length} elements`,
    );
  }
  const [op1, v1, op2, v2] = arg as unknown[];
  if (op1 !== '=' && op1 !== '<' && op1 !== '<=' && op1 !== '>' && op1 !== '>=') {
    fail(ctx, `${path}[0]`, `unknown numeric operator ${JSON.stringify(op1)}`);
  }
  if (typeof v1 !== 'number')
    fail(ctx, `${path}[1]`, `value of ${op1} must be a number, got ${describe(v1)}`);
  const low = comparable(checkNumber(v1, ctx, `${path}[1]`)) as number;

  if (arg.length === 2) {
    switch (op1) {
      case '=':
        return (value) => comparable(value) === low;
      case '<':
        return (value) => lessThan(value, low, true);
      case '<=':
        return (value) => lessThan(value, low, false);
      case '>':
        return (value) => greaterThan(value, low, true);
      default:
        return (value) => greaterThan(value, low, false);
    }
  }
  if (op1 !== '>' && op1 !== '>=') {
    fail(ctx, `${path}[0]`, `a numeric range must start with ">" or ">=", got ${JSON.stringify(op1)}`);
  }
  if (op2 !== '<' && op2 !== '<=') {
    fail(ctx, `${path}[2]`, `a numeric range must end with "<" or "<=", got ${JSON.stringify(op2)}`);
  }
  if (typeof v2 !== 'number')
    fail(ctx, `${path}[3]`, `value of ${op2} must be a number, got ${describe(v2)}`);
  const high = comparable(checkNumber(v2, ctx, `${path}[3]`)) as number;
  if (low >= high) fail(ctx, path, `the lower bound ${v1} must be less than the upper bound ${v2}`);
  const openLow = op1 === '>';
  const openHigh = op2 === '<';
  return (value) => greaterThan(value, low, openLow) && lessThan(value, high, openHigh);
}

function lessThan(value: number, bound: number, open: boolean): boolean {
  const c = comparable(value);
  return c !== undefined && (open ? c < bound : c <= bound);
}

function greaterThan(value: number, bound: number, open: boolean): boolean {
  const c = comparable(value);
  return c !== undefined && (open ? c > bound : c >= bound);
}

// ---------------------------------------------------------------------------------------------------------------
// CIDR
// ---------------------------------------------------------------------------------------------------------------

/** Scratch buffer for IPv6 parsing: matching is synchronous, so one buffer serves every call. */
const V6_SCRATCH = new Uint16Array(8);

function compileCidr(arg: unknown, ctx: Ctx, path: string): StringTest {
  if (typeof arg !== 'string') fail(ctx, path, `cidr must be a string, got ${describe(arg)}`);
  const slash = arg.indexOf('/');
  if (slash < 0 || arg.indexOf('/', slash + 1) >= 0)
    fail(ctx, path, `malformed CIDR ${JSON.stringify(arg)}, one "/" required`);
  const address = arg.slice(0, slash);
  const bitsText = arg.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) {
    fail(ctx, path, `malformed CIDR ${JSON.stringify(arg)}, mask bits must be an integer`);
  }
  const bits = Number(bitsText);

  const v4 = parseIPv4(address);
  if (v4 !== undefined) {
    if (bits > 32) fail(ctx, path, `malformed CIDR ${JSON.stringify(arg)}, an IPv4 mask has at most 32 bits`);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const network = (v4 & mask) >>> 0;
    return (value) => {
      const ip = parseIPv4(value);
      return ip !== undefined && (ip & mask) >>> 0 === network;
    };
  }
  if (!parseIPv6(address, V6_SCRATCH)) fail(ctx, path, `nonstandard IP address ${JSON.stringify(address)}`);
  if (bits > 128) fail(ctx, path, `malformed CIDR ${JSON.stringify(arg)}, an IPv6 mask has at most 128 bits`);
  const network = new Uint16Array(8);
  const masks = new Uint16Array(8);
  for (let i = 0; i < 8; i++) {
    const groupBits = Math.max(0, Math.min(16, bits - i * 16));
    masks[i] = groupBits === 0 ? 0 : (0xffff << (16 - groupBits)) & 0xffff;
    network[i] = (V6_SCRATCH[i] as number) & (masks[i] as number);
  }
  return (value) => {
    if (value.indexOf(':') < 0 || !parseIPv6(value, V6_SCRATCH)) return false;
    for (let i = 0; i < 8; i++) {
      if (((V6_SCRATCH[i] as number) & (masks[i] as number)) !== network[i]) return false;
    }
    return true;
  };
}

/** Dotted-quad IPv4 to an unsigned 32-bit number, or `undefined`. Parts are 1-3 decimal digits up to 255. */
function parseIPv4(text: string): number | undefined {
  const n = text.length;
  if (n < 7 || n > 15) return undefined;
  let result = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return undefined;
      result = result * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      part = part * 10 + (code - 48);
      digits++;
      if (digits > 3 || part > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return result * 256 + part;
}

/** Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into `out`; false when malformed. */
function parseIPv6(text: string, out: Uint16Array): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  let group = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === n) {
      out.fill(0);
      return true;
    }
  }
  while (i < n) {
    if (group === 8) return false;
    const start = i;
    let value = 0;
    while (i < n && i - start < 5) {
      const code = text.charCodeAt(i);
      const digit =
        code >= 48 && code <= 57
          ? code - 48
          : code >= 97 && code <= 102
            ? code - 87
            : code >= 65 && code <= 70
              ? code - 55
              : -1;
      if (digit < 0) break;
      value = value * 16 + digit;
      i++;
    }
    const length = i - start;
    if (i < n && text.charCodeAt(i) === 46) {
      // An embedded IPv4 address takes the last two groups.
      if (group > 6) return false;
      const v4 = parseIPv4(text.slice(start));
      if (v4 === undefined) return false;
      out[group++] = v4 >>> 16;
      out[group++] = v4 & 0xffff;
      i = n;
      break;
    }
    if (length === 0 || length > 4) return false;
    out[group++] = value;
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < n && text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = group;
      i++;
      if (i === n) break;
    } else if (i === n) {
      return false;
    }
  }
  if (gap < 0) return group === 8;
  if (group > 7) return false;
  const moved = group - gap;
  for (let k = 1; k <= moved; k++) out[8 - k] = out[group - k] as number;
  for (let k = gap; k < 8 - moved; k++) out[k] = 0;
  return true;
}
