/**
 * Incremental splitters that cut a stream of JSON text into the pieces the scanner parses one at a time, so a
 * large input never has to be held (or parsed) whole:
 * - `JsonValueSplitter` finds complete JSON values by structure (brackets outside strings): the elements of a
 *   top-level array (CloudTrail's `Records` or a plain array) or a sequence of top-level values (one pretty-printed
 *   document, or concatenated objects as Firehose writes them).
 * - `LineSplitter` cuts JSON Lines, where a bad line never affects the next one.
 * Both track the 1-based line and 0-based character offset where each piece starts, for error messages.
 */

export interface TextPiece {
  readonly text: string;
  /** 0-based character offset of the first character in the whole text. */
  readonly offset: number;
  /** 1-based line of the first character. */
  readonly line: number;
}

export interface SplitterEvents {
  /** A complete piece (not yet parsed: it may still be invalid JSON). */
  piece(piece: TextPiece): void;
  /** A piece longer than the limit: it is skipped, not accumulated. */
  tooLarge(at: { offset: number; line: number }, chars: number): void;
}

const QUOTE = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const NEWLINE = 10;
const SPACE = 32;
const TAB = 9;
const CR = 13;

function isWhitespace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === TAB || c === CR;
}

/**
 * Splits JSON text by structure. In `elements` mode the text starts inside an array (its `[` already consumed)
 * and the splitter stops at the matching `]`; in `values` mode it reads top-level values until the end.
 * Invalid JSON inside a piece is left for `JSON.parse` to report; a missing closing bracket makes the rest of
 * the text one incomplete piece (reported by `end`).
 */
export class JsonValueSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside a top-level scalar (number, literal or garbage), which ends at whitespace or a delimiter. */
  private inScalar = false;
  private inValue = false;
  private closed = false;
  private parts: string[] = [];
  private partsLength = 0;
  private oversized = false;
  private start = { offset: 0, line: 1 };
  /** Characters before the current chunk. */
  private consumed = 0;
  private line = 1;

  constructor(
    private readonly mode: 'elements' | 'values',
    private readonly events: SplitterEvents,
    private readonly maxPieceChars: number,
  ) {}

  /** Positions reported are relative to the whole text when the splitter is fed from `offset` (on `line`) on. */
  startAt(offset: number, line: number): void {
    this.consumed = offset;
    this.line = line;
  }

  /** Whether the array (in `elements` mode) has been closed: the rest of the text is ignored. */
  get done(): boolean {
    return this.closed;
  }

  push(chunk: string): void {
    if (this.closed) return;
    const n = chunk.length;
    let i = 0;
    let pieceStart = this.inValue ? 0 : -1;
    // Next backslash at or after i (n when none): cached so strings without escapes cost one indexOf each.
    let backslash = -1;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        if (backslash < i) {
          backslash = chunk.indexOf('\\', i);
          if (backslash === -1) backslash = n;
        }
        const quote = chunk.indexOf('"', i);
        if (backslash < n && (quote === -1 || backslash < quote)) {
          i = backslash + 1;
          this.escaped = true;
          continue;
        }
        if (quote === -1) {
          i = n;
          break;
        }
        i = quote + 1;
        this.inString = false;
        if (this.depth === 0 && this.inValue) {
          // A top-level string value ends with its closing quote.
          this.finish(chunk, pieceStart, i);
          pieceStart = -1;
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.inScalar) {
        if (
          isWhitespace(c) ||
          c === COMMA ||
          c === CLOSE_BRACKET ||
          c === CLOSE_BRACE ||
          c === OPEN_BRACE ||
          c === OPEN_BRACKET ||
          c === QUOTE
        ) {
          this.inScalar = false;
          this.finish(chunk, pieceStart, i);
          pieceStart = -1;
          continue; // the delimiter is handled as itself
        }
        i++;
        continue;
      }
      if (c === QUOTE) {
        if (!this.inValue) pieceStart = this.begin(i);
        this.inString = true;
        i++;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (!this.inValue) pieceStart = this.begin(i);
        this.depth++;
        i++;
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth > 0) {
          this.depth--;
          i++;
          if (this.depth === 0) {
            this.finish(chunk, pieceStart, i);
            pieceStart = -1;
          }
          continue;
        }
        if (this.mode === 'elements' && c === CLOSE_BRACKET) {
          this.closed = true;
          this.consumed += n;
          return;
        }
        // A stray closer at the top: a one-character piece that JSON.parse will reject.
        pieceStart = this.begin(i);
        i++;
        this.finish(chunk, pieceStart, i);
        pieceStart = -1;
        continue;
      }
      if (c === NEWLINE) {
        this.line++;
        i++;
        continue;
      }
      // Commas between top-level values are tolerated in `values` mode too (`{...},{...}` is a common export).
      if (this.depth === 0 && !isWhitespace(c) && c !== COMMA) {
        pieceStart = this.begin(i);
        this.inScalar = true;
      }
      i++;
    }
    if (this.inValue && pieceStart >= 0) this.keep(chunk.slice(pieceStart));
    this.consumed += n;
  }

  /** Ends the text; returns where an unfinished piece started, if one was open. */
  end(): { offset: number; line: number } | undefined {
    if (this.inScalar && !this.inString) {
      this.inScalar = false;
      this.emit();
      return undefined;
    }
    if (!this.inValue) return undefined;
    const unfinished = this.start;
    this.reset();
    return unfinished;
  }

  private begin(i: number): number {
    this.inValue = true;
    this.start = { offset: this.consumed + i, line: this.line };
    return i;
  }

  private keep(text: string): void {
    this.partsLength += text.length;
    if (this.oversized) return;
    if (this.partsLength > this.maxPieceChars) {
      this.oversized = true;
      this.parts = [];
      return;
    }
    this.parts.push(text);
  }

  private finish(chunk: string, from: number, to: number): void {
    this.keep(chunk.slice(from, to));
    this.emit();
  }

  private emit(): void {
    if (this.oversized) this.events.tooLarge(this.start, this.partsLength);
    else {
      const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
      this.events.piece({ text, offset: this.start.offset, line: this.start.line });
    }
    this.reset();
  }

  private reset(): void {
    this.inValue = false;
    this.parts = [];
    this.partsLength = 0;
    this.oversized = false;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

/** Splits JSON Lines. Blank lines are skipped; a trailing `\r` is dropped. */
export class LineSplitter {
  private pending: string[] = [];
  private pendingLength = 0;
  private oversized = false;
  private line = 1;
  private lineOffset = 0;
  private consumed = 0;

  constructor(
    private readonly events: SplitterEvents,
    private readonly maxPieceChars: number,
  ) {}

  push(chunk: string): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl === -1) break;
      if (this.pendingLength === 0 && !this.oversized) this.emit(chunk.slice(from, nl));
      else {
        this.keep(chunk.slice(from, nl));
        this.emit(this.oversized ? '' : this.pending.join(''));
      }
      from = nl + 1;
      this.line++;
      this.lineOffset = this.consumed + from;
    }
    if (from < chunk.length) this.keep(chunk.slice(from));
    this.consumed += chunk.length;
  }

  /** Ends the text; returns the last line's position when it was not terminated and `unterminatedIsCut`. */
  end(unterminatedIsCut: boolean): { offset: number; line: number } | undefined {
    if (this.pendingLength === 0 && !this.oversized) return undefined;
    if (!this.oversized && this.pending.join('').trim().length === 0) return undefined;
    if (unterminatedIsCut) {
      const at = { offset: this.lineOffset, line: this.line };
      this.pending = [];
      this.pendingLength = 0;
      this.oversized = false;
      return at;
    }
    this.emit(this.oversized ? '' : this.pending.join(''));
    return undefined;
  }

  private keep(text: string): void {
    this.pendingLength += text.length;
    if (this.oversized) return;
    if (this.pendingLength > this.maxPieceChars) {
      this.oversized = true;
      this.pending = [];
      return;
    }
    this.pending.push(text);
  }

  private emit(raw: string): void {
    const at = { offset: this.lineOffset, line: this.line };
    if (this.oversized) this.events.tooLarge(at, this.pendingLength);
    else {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim().length > 0) this.events.piece({ text, ...at });
    }
    this.pending = [];
    this.pendingLength = 0;
    this.oversized = false;
  }
}
