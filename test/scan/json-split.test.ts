import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonValueSplitter, LineSplitter, type TextPiece } from '../../cli/scan/json-split';

function collect() {
  const pieces: TextPiece[] = [];
  const tooLarge: { offset: number; line: number; chars: number }[] = [];
  return {
    pieces,
    tooLarge,
    events: {
      piece: (p: TextPiece) => pieces.push(p),
      tooLarge: (at: { offset: number; line: number }, chars: number) => tooLarge.push({ ...at, chars }),
    },
  };
}

/** Feeds `text` in chunks cut at `cuts`. */
function feed(splitter: { push(s: string): void }, text: string, cuts: readonly number[]): void {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    splitter.push(text.slice(from, cut));
    from = cut;
  }
  splitter.push(text.slice(from));
}

const tricky = [
  { eventID: 'a', note: 'brackets ] } inside "quotes" and \\ backslashes \\"' },
  { eventID: 'b', nested: { list: [1, [2, { x: '[' }]], empty: {} }, uni: 'é ✓ 😀' },
  { eventID: 'c', tail: '\\' },
];

describe('JsonValueSplitter', () => {
  it('cuts the elements of an array into pieces that parse to the originals wherever the chunks are cut', () => {
    // Prepare
    const text = ` ${JSON.stringify(tricky, null, 1).slice(1)}\n`; // the "[" is consumed by the caller
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 6 }), (cuts) => {
        const sink = collect();
        const splitter = new JsonValueSplitter('elements', sink.events, 1e6);
        // Act
        feed(splitter, text, cuts);
        const unfinished = splitter.end();
        // Assess
        expect(sink.pieces.map((p) => JSON.parse(p.text))).toEqual(tricky);
        expect(unfinished).toBeUndefined();
        expect(splitter.done).toBe(true);
      }),
    );
  });

  it('reports where each piece starts, by line and character offset', () => {
    // Prepare
    const text = '{"a":1}\n  {"b":\n2}\n[3]';
    const sink = collect();
    const splitter = new JsonValueSplitter('values', sink.events, 1e6);
    // Act
    splitter.push(text);
    splitter.end();
    // Assess
    expect(sink.pieces).toEqual([
      { text: '{"a":1}', offset: 0, line: 1 },
      { text: '{"b":\n2}', offset: 10, line: 2 },
      { text: '[3]', offset: text.indexOf('[3]'), line: 4 },
    ]);
  });

  it('reads concatenated and comma-separated top-level values, and hands scalars on for JSON.parse to judge', () => {
    // Prepare
    const sink = collect();
    const splitter = new JsonValueSplitter('values', sink.events, 1e6);
    // Act
    splitter.push('{"a":1}{"b":2},{"c":3} nope "str"');
    splitter.end();
    // Assess
    expect(sink.pieces.map((p) => p.text)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', 'nope', '"str"']);
  });

  it('returns where an unfinished piece starts when the text stops inside it', () => {
    // Prepare
    const sink = collect();
    const splitter = new JsonValueSplitter('elements', sink.events, 1e6);
    splitter.startAt(12, 1);
    // Act
    splitter.push('{"x":1},\n{"y":"cut here');
    const unfinished = splitter.end();
    // Assess
    expect(sink.pieces.map((p) => p.text)).toEqual(['{"x":1}']);
    expect(unfinished).toEqual({ offset: 12 + 9, line: 2 });
    expect(splitter.done).toBe(false);
  });

  it('skips a piece longer than the limit without keeping it, and goes on with the next', () => {
    // Prepare
    const sink = collect();
    const splitter = new JsonValueSplitter('elements', sink.events, 20);
    // Act
    splitter.push(`{"big":"${'x'.repeat(30)}`);
    splitter.push(`${'y'.repeat(30)}"},{"ok":1}]`);
    splitter.end();
    // Assess
    expect(sink.tooLarge).toEqual([{ offset: 0, line: 1, chars: 70 }]);
    expect(sink.pieces.map((p) => p.text)).toEqual(['{"ok":1}']);
  });
});

describe('LineSplitter', () => {
  it('gives each non-blank line with its number wherever the chunks are cut', () => {
    // Prepare
    const text = '{"a":1}\r\n\n{"b":2}\n  \n{"c":3}';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 5 }), (cuts) => {
        const sink = collect();
        const splitter = new LineSplitter(sink.events, 1e6);
        // Act
        feed(splitter, text, cuts);
        splitter.end(false);
        // Assess
        expect(sink.pieces.map((p) => [p.line, p.text])).toEqual([
          [1, '{"a":1}'],
          [3, '{"b":2}'],
          [5, '{"c":3}'],
        ]);
      }),
    );
  });

  it('returns the last line as cut instead of parsing it when the input was damaged', () => {
    // Prepare
    const sink = collect();
    const splitter = new LineSplitter(sink.events, 1e6);
    // Act
    splitter.push('{"a":1}\n{"b":');
    const cut = splitter.end(true);
    // Assess
    expect(sink.pieces.map((p) => p.text)).toEqual(['{"a":1}']);
    expect(cut).toEqual({ offset: 8, line: 2 });
  });

  it('reports an over-long line and reads the following ones', () => {
    // Prepare
    const sink = collect();
    const splitter = new LineSplitter(sink.events, 10);
    // Act
    splitter.push(`${'x'.repeat(8)}`);
    splitter.push(`${'x'.repeat(8)}\n{"ok":1}\n`);
    splitter.end(false);
    // Assess
    expect(sink.tooLarge).toEqual([{ offset: 0, line: 1, chars: 16 }]);
    expect(sink.pieces.map((p) => p.text)).toEqual(['{"ok":1}']);
  });
});
