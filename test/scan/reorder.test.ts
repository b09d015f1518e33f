import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReorderWindow } from '../../cli/scan/reorder';

describe('ReorderWindow', () => {
  it('releases events oldest first once the latest time read is a window past them', () => {
    // Prepare
    const window = new ReorderWindow<string>(100, 1000);
    window.push(50, 'b');
    window.push(10, 'a');
    window.push(120, 'c');
    // Act
    const first = [...window.release()].map((e) => e.item);
    window.observe(230);
    const second = [...window.release()].map((e) => e.item);
    const rest = [...window.drain()].map((e) => e.item);
    // Assess
    expect(first).toEqual(['a']); // latest 120: only events at or before 20 may leave
    expect(second).toEqual(['b', 'c']);
    expect(rest).toEqual([]);
  });

  it('lets the oldest leave early when more than maxHeld events wait', () => {
    // Prepare
    const window = new ReorderWindow<number>(1_000_000, 2);
    // Act
    for (const t of [5, 3, 4]) window.push(t, t);
    const released = [...window.release()].map((e) => e.item);
    // Assess
    expect(released).toEqual([3]);
    expect(window.size).toBe(2);
  });

  it('outputs any input sorted by time, ties in arrival order, when the window covers the disorder', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        // Prepare
        const window = new ReorderWindow<{ t: number; i: number }>(60, 10_000);
        const out: { t: number; i: number }[] = [];
        // Act
        times.forEach((t, i) => {
          window.push(t, { t, i });
          for (const e of window.release()) out.push(e.item);
        });
        for (const e of window.drain()) out.push(e.item);
        // Assess
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        expect(out).toEqual(expected);
      }),
    );
  });
});
