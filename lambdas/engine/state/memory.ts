import type { StateStore } from '../types';

interface Entry {
  value: number;
  expiresAt: number;
}

/**
 * In-process `StateStore` for tests, the CLI and offline scans. Expiry follows an injectable clock so that
 * offline scans can run on event time rather than wall-clock time.
 */
export class InMemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private sweepCounter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async putIfAbsent(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value: 1, expiresAt: this.now() + ttlSeconds * 1000 });
    this.maybeSweep();
    return true;
  }

  async has(key: string): Promise<boolean> {
    return this.live(key) !== undefined;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    const entry = this.live(key);
    const expiresAt = this.now() + ttlSeconds * 1000;
    if (entry) {
      entry.value += by;
      entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
      return entry.value;
    }
    this.entries.set(key, { value: by, expiresAt });
    this.maybeSweep();
    return by;
  }

  async getCounters(keys: readonly string[]): Promise<number[]> {
    return keys.map((k) => this.live(k)?.value ?? 0);
  }

  /** Number of live entries (for memory checks in long offline scans). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Drops expired entries now and then so long scans stay bounded in memory. */
  private maybeSweep(): void {
    if (++this.sweepCounter % 10_000 !== 0) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
