/**
 * The reorder window: CloudTrail files are not globally sorted (a file holds the events delivered in about five
 * minutes, regions and accounts interleave, and some services deliver late), but the engine should meet events in
 * event-time order. Events wait in a min-heap until the latest event time read is `windowMs` past them, then leave
 * oldest first. The window is also capped at `maxHeld` waiting events, so a burst cannot use unbounded memory: at
 * the cap the oldest leaves early. Ties leave in arrival order, so the output is deterministic.
 */
export const DEFAULT_REORDER_WINDOW_SECONDS = 15 * 60;
export const DEFAULT_MAX_HELD = 20_000;

interface Entry<T> {
  readonly time: number;
  readonly seq: number;
  readonly item: T;
}

export class ReorderWindow<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly maxHeld: number,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Adds an event. */
  push(time: number, item: T): void {
    this.heap.push({ time, seq: this.seq++, item });
    this.up(this.heap.length - 1);
    if (time > this.latest) this.latest = time;
  }

  /** Notes that the input has reached `time` (events that were read but need no engine still move the window). */
  observe(time: number): void {
    if (time > this.latest) this.latest = time;
  }

  /** Events whose time is at least a window behind the latest time read (and the oldest beyond the cap). */
  *release(): Generator<{ time: number; item: T }> {
    const horizon = this.latest - this.windowMs;
    for (;;) {
      const top = this.heap[0];
      if (top === undefined) return;
      if (top.time > horizon && this.heap.length <= this.maxHeld) return;
      yield this.pop();
    }
  }

  /** Everything left, oldest first (at the end of the input). */
  *drain(): Generator<{ time: number; item: T }> {
    while (this.heap.length > 0) yield this.pop();
  }

  private pop(): Entry<T> {
    const heap = this.heap;
    const top = heap[0] as Entry<T>;
    const last = heap.pop() as Entry<T>;
    if (heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i] as Entry<T>;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry<T>;
      if (!this.less(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i] as Entry<T>;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.less(heap[right] as Entry<T>, heap[left] as Entry<T>)) child = right;
      const c = heap[child] as Entry<T>;
      if (!this.less(c, entry)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = entry;
  }
}
