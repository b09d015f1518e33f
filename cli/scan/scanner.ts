/**
 * The offline scan: inputs → readers (parser threads for files, inline for stdin) → reorder window → the detection
 * engine, exactly as the analyzer Lambda runs it, on one thread in event-time order. The engine's state store runs
 * on event time (the latest event time analysed), so threshold windows, sequences and dedupe TTLs behave on history
 * as they would have live.
 */
import { availableParallelism } from 'node:os';
import { NO_CONTEXT } from '../../lambdas/engine/context';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { Finding, Rule } from '../../lambdas/engine/types';
import { type LoadedConfig, offlineSettings } from '../config/config-file';
import type { InputFile, Inputs } from './inputs';
import { ParserPool } from './pool';
import { readFileInput, readStreamInput } from './read';
import { DEFAULT_MAX_HELD, DEFAULT_REORDER_WINDOW_SECONDS, ReorderWindow } from './reorder';
import { mayMatchFor } from './rules';
import {
  type CandidateEvent,
  type Problem,
  type ProblemKind,
  RECORD_PROBLEM_KINDS,
  type ScanFinding,
  type ScanSummary,
  type SourceBatch,
} from './types';

/** Below this much input, starting threads costs more than it saves. */
const THREADS_MIN_BYTES = 4 * 1024 * 1024;
const MAX_UNACKED_BATCHES = 4;

export interface ScanRequest {
  readonly inputs: Inputs;
  readonly rules: readonly Rule[];
  readonly ignoreThresholds?: boolean;
  /** Inclusive lower and exclusive upper bound on event time, epoch ms. */
  readonly since?: number;
  readonly until?: number;
  /** Parser threads; `0` parses on the main thread. Default: one per core for many files, none for small inputs. */
  readonly workers?: number;
  readonly stdin?: NodeJS.ReadableStream;
  readonly reorderWindowSeconds?: number;
  readonly maxHeld?: number;
  /** Settings from `--config` (trusted accounts and networks, allowed principals, modes, thresholds). */
  readonly config?: LoadedConfig;
  /** Each finding as it is raised (in event-time order). */
  readonly onFinding?: (finding: ScanFinding) => void | Promise<void>;
  /** Each problem with the input, as met (all of them are counted in the summary). */
  readonly onProblem?: (problem: Problem) => void;
  /** After each batch; the caller throttles. */
  readonly onProgress?: (progress: ScanProgress) => void;
}

export interface ScanProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly events: number;
  readonly findings: number;
  readonly elapsedMs: number;
}

/** The scanner's report of a finding: the engine's finding, the input it came from, a plan that did not run. */
export function toScanFinding(finding: Finding, event: CandidateEvent & { file: string }): ScanFinding {
  return {
    id: finding.id,
    ruleId: finding.ruleId,
    title: finding.title,
    severity: finding.severity,
    attack: finding.attack,
    eventIds: finding.eventIds,
    eventTime: finding.eventTime,
    principal: finding.principal.arn ?? finding.principal.identityArn ?? null,
    principalType: finding.principal.type,
    sourceIp: finding.sourceIp ?? null,
    account: finding.account ?? null,
    region: finding.region ?? null,
    userAgent: finding.userAgent ?? null,
    summary: finding.summary,
    threshold: finding.threshold ?? null,
    sequence: finding.sequence ?? null,
    remediation: {
      executed: false,
      mode: finding.mode,
      steps: finding.remediation.map((s) => ({
        action: s.action,
        params: s.params,
        description: s.description,
      })),
    },
    location: { file: event.file, ...event.location },
  };
}

/** Thread count for `auto`: one per core, when there are several files and enough bytes to be worth it. */
export function defaultWorkers(files: readonly InputFile[]): number {
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  if (files.length < 2 || bytes < THREADS_MIN_BYTES) return 0;
  return Math.max(1, Math.min(availableParallelism(), files.length));
}

export async function runScan(request: ScanRequest): Promise<ScanSummary> {
  const started = performance.now();
  const ignoreThresholds = request.ignoreThresholds ?? false;
  const windowSeconds = request.reorderWindowSeconds ?? DEFAULT_REORDER_WINDOW_SECONDS;
  const files = request.inputs.files;
  const workers = request.workers ?? defaultWorkers(files);
  const readerOptions = {
    mayMatch: mayMatchFor(request.rules, ignoreThresholds),
    since: request.since,
    until: request.until,
  };

  // The engine's clock is event time: the latest event time analysed.
  let clock = 0;
  const engine = new DetectionEngine(request.rules, {
    state: new InMemoryStateStore(() => clock),
    // A scan evaluates every rule it was asked to, including any that are off by default.
    settings: (rule) => offlineSettings(rule, request.config),
    context: () => request.config?.config.context ?? NO_CONTEXT,
    ignoreThresholds,
    now: () => new Date(clock),
  });
  const window = new ReorderWindow<CandidateEvent & { file: string }>(
    windowSeconds * 1000,
    request.maxHeld ?? DEFAULT_MAX_HELD,
  );

  const problemsByKind: Partial<Record<ProblemKind, number>> = {};
  const findingsBySeverity: Record<string, number> = {};
  const findingsByRule: Record<string, number> = {};
  const fileStatus = { scanned: 0, unreadable: 0, damaged: 0, skipped: 0 };
  const totals = { records: 0, outsideRange: 0, candidates: 0, late: 0, bytes: 0, chars: 0, findings: 0 };
  let firstTime: number | undefined;
  let lastTime: number | undefined;
  let lastAnalysed = Number.NEGATIVE_INFINITY;
  let filesDone = 0;
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);

  const problem = (p: Problem) => {
    problemsByKind[p.kind] = (problemsByKind[p.kind] ?? 0) + 1;
    request.onProblem?.(p);
  };
  for (const p of request.inputs.problems) {
    problem(p);
    fileStatus.unreadable++;
  }

  const analyse = async (time: number, event: CandidateEvent & { file: string }) => {
    if (time < lastAnalysed) totals.late++;
    else lastAnalysed = time;
    if (time > clock) clock = time;
    const { findings, errors } = await engine.analyze(event.record);
    for (const error of errors)
      problem({ kind: 'rule-error', file: event.file, location: event.location, message: error.message });
    for (const finding of findings) {
      totals.findings++;
      findingsBySeverity[finding.severity] = (findingsBySeverity[finding.severity] ?? 0) + 1;
      findingsByRule[finding.ruleId] = (findingsByRule[finding.ruleId] ?? 0) + 1;
      await request.onFinding?.(toScanFinding(finding, event));
    }
    await engine.markEmitted(findings);
  };

  const consume = async (display: string, batch: SourceBatch) => {
    totals.records += batch.records;
    totals.outsideRange += batch.outsideRange;
    totals.bytes += batch.bytes;
    totals.chars += batch.chars;
    // Problems beyond the per-input cap are counted, not described.
    const carried: Partial<Record<ProblemKind, number>> = {};
    for (const p of batch.problems) {
      carried[p.kind] = (carried[p.kind] ?? 0) + 1;
      problem(p);
    }
    for (const [kind, count] of Object.entries(batch.problemCounts) as [ProblemKind, number][]) {
      const extra = count - (carried[kind] ?? 0);
      if (extra > 0) problemsByKind[kind] = (problemsByKind[kind] ?? 0) + extra;
    }
    if (batch.minTime !== undefined && (firstTime === undefined || batch.minTime < firstTime))
      firstTime = batch.minTime;
    if (batch.maxTime !== undefined && (lastTime === undefined || batch.maxTime > lastTime))
      lastTime = batch.maxTime;
    for (const candidate of batch.candidates) {
      totals.candidates++;
      window.push(candidate.time, { ...candidate, file: display });
    }
    if (batch.maxTime !== undefined) window.observe(batch.maxTime);
    for (const { time, item } of window.release()) await analyse(time, item);
    if (batch.final) {
      filesDone++;
      if ((batch.problemCounts.unreadable ?? 0) > 0) fileStatus.unreadable++;
      else if (batch.skipped !== undefined) fileStatus.skipped++;
      else {
        fileStatus.scanned++;
        if ((batch.problemCounts.damaged ?? 0) > 0) fileStatus.damaged++;
      }
    }
    request.onProgress?.({
      filesDone,
      filesTotal: files.length + (request.inputs.stdin ? 1 : 0),
      bytesDone: totals.bytes,
      bytesTotal,
      events: totals.records,
      findings: totals.findings,
      elapsedMs: performance.now() - started,
    });
  };

  if (request.inputs.stdin && request.stdin !== undefined) {
    for await (const batch of readStreamInput(request.stdin, '<stdin>', readerOptions))
      await consume('<stdin>', batch);
  }
  if (workers > 0 && files.length > 0) {
    const pool = await ParserPool.start(Math.min(workers, files.length), {
      ruleIds: request.rules.map((r) => r.id),
      ignoreThresholds,
      since: request.since,
      until: request.until,
      maxUnacked: MAX_UNACKED_BATCHES,
    });
    try {
      for await (const { file, batch } of pool.read(files)) await consume(file.display, batch);
    } finally {
      await pool.close();
    }
  } else {
    for (const file of files) {
      for await (const batch of readFileInput(file, readerOptions)) await consume(file.display, batch);
    }
  }
  for (const { time, item } of window.drain()) await analyse(time, item);

  const elapsedMs = performance.now() - started;
  const recordProblems = Object.entries(problemsByKind)
    .filter(([kind]) => RECORD_PROBLEM_KINDS.has(kind as ProblemKind))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    files: fileStatus,
    events: {
      read: totals.records,
      outsideRange: totals.outsideRange,
      candidates: totals.candidates,
      late: totals.late,
      first: firstTime === undefined ? null : new Date(firstTime).toISOString(),
      last: lastTime === undefined ? null : new Date(lastTime).toISOString(),
    },
    bytes: { input: totals.bytes, decompressed: totals.chars },
    badRecords: recordProblems,
    problems: {
      total: Object.values(problemsByKind).reduce((sum, n) => sum + n, 0),
      byKind: problemsByKind,
    },
    findings: { total: totals.findings, bySeverity: findingsBySeverity, byRule: findingsByRule },
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((totals.records / elapsedMs) * 1000) : 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    workers: workers > 0 && files.length > 0 ? Math.min(workers, files.length) : 0,
    reorderWindowSeconds: windowSeconds,
  };
}
