/**
 * Where the poller is, per region. LookupEvents returns events newest first, so a window is collected from its end
 * towards its start; a run that stops inside a window keeps it open (with the page token and the oldest event time
 * seen) and the next run finishes it before opening the next one.
 */
export interface OpenWindow {
  /** Window start, epoch milliseconds (inclusive). */
  readonly start: number;
  /** Window end, epoch milliseconds. */
  readonly end: number;
  /** LookupEvents token of the next page (valid only with the same start and end). */
  readonly nextToken?: string;
  /** Event time of the oldest event collected so far in this window, epoch milliseconds. */
  readonly oldestSeen?: number;
}

export interface Checkpoint {
  /** Every event before this instant (epoch milliseconds) has been collected. */
  readonly collectedUntil: number;
  /** The window a run stopped inside, if any. */
  readonly open?: OpenWindow;
  /** When a run last saved progress (epoch milliseconds). */
  readonly savedAt: number;
  /** Increases by one on every save; a save names the revision it read, so a stale run cannot move it back. */
  readonly revision: number;
}

export type CheckpointUpdate = Omit<Checkpoint, 'revision'>;

export interface CheckpointStore {
  load(region: string): Promise<Checkpoint | undefined>;
  /**
   * Saves `next` if the stored revision is still `expectedRevision` (0: nothing stored yet). Returns the new
   * revision, or `undefined` when another run saved in between (this run must stop: it has been superseded).
   */
  save(region: string, next: CheckpointUpdate, expectedRevision: number): Promise<number | undefined>;
}

/** One poller run at a time per stack: the run that holds the lease is the only LookupEvents caller. */
export interface PollerLease {
  /** Takes the lease until `untilMs` unless another holder has it; `false` when someone else does. */
  acquire(holder: string, untilMs: number): Promise<boolean>;
  /** Gives the lease back (only if `holder` still has it). */
  release(holder: string): Promise<void>;
}

/** Checkpoints in memory: the `trailguard poll` CLI and tests. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly items = new Map<string, Checkpoint>();

  constructor(initial: Readonly<Record<string, Checkpoint>> = {}) {
    for (const [region, checkpoint] of Object.entries(initial)) this.items.set(region, checkpoint);
  }

  async load(region: string): Promise<Checkpoint | undefined> {
    return this.items.get(region);
  }

  async save(region: string, next: CheckpointUpdate, expectedRevision: number): Promise<number | undefined> {
    if ((this.items.get(region)?.revision ?? 0) !== expectedRevision) return undefined;
    const revision = expectedRevision + 1;
    this.items.set(region, { ...next, revision });
    return revision;
  }
}
