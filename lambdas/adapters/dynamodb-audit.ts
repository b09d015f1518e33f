import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  paginateScan,
  type QueryCommandOutput,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ActionId, RuleMode } from '../engine/types';
import type { StepStatus } from '../findings/outcome';
import { TABLES } from '../shared/contract';
import { isConditionalCheckFailed } from './dynamodb-errors';

const PK = TABLES.audit.partitionKey;
const SK = TABLES.audit.sortKey;

/** A step's decided outcome ({@link StepStatus}), `in-progress` while it runs, `undone` once an operator reversed it. */
export type AuditStatus = 'in-progress' | StepStatus | 'undone';

/** How an operator reversed a step (`trailguard undo`), kept on the step's record. */
export interface AuditUndo {
  /** When the undo ran (ISO 8601). */
  at: string;
  /** Who ran it: the caller identity ARN. */
  by: string;
  /** What the undo did, or why there was nothing to do. */
  message: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** What the step was about, kept on its record so the audit trail reads on its own (the finding event is not kept). */
export interface AuditFindingSnapshot {
  title: string;
  severity: string;
  summary: string;
  eventIds: string[];
  eventTime: string;
  /** The acting principal's ARN, when the event had one. */
  principalArn?: string;
}

/** One remediation step of one finding: what was (or would have been) done, and how to reverse it. */
export interface AuditRecord {
  findingId: string;
  finding?: AuditFindingSnapshot;
  /** `step-000`, `step-001`…: zero-padded so steps sort in plan order (see {@link stepKeyFor}). */
  stepKey: string;
  stepIndex: number;
  ruleId: string;
  actionId: ActionId;
  params: Record<string, string>;
  mode: RuleMode;
  status: AuditStatus;
  reason?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** ARN of the role that acted. */
  actor?: string;
  /** How many times `begin` was called for this step (1 on the first delivery). */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  undoCommand?: string;
  /** Set when status is `undone`. */
  undo?: AuditUndo;
  /** The last undo attempt that failed (the step keeps its status). */
  undoFailure?: { at: string; by: string; reason: string };
  /** While a delivery decides the step: until when (epoch ms) and which delivery (see `claim`). */
  claimedUntil?: number;
  claimedBy?: string;
}

export type AuditBeginInput = Omit<AuditRecord, 'status' | 'attempts' | 'createdAt' | 'updatedAt'>;

export interface AuditFinishUpdate {
  status: AuditStatus;
  reason?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  undoCommand?: string;
}

/** An audit read or write failed. */
export class AuditStoreError extends Error {
  override readonly name: string = 'AuditStoreError';
}

/** `finish` was called for a step that `begin` never recorded. */
export class AuditRecordNotFoundError extends AuditStoreError {
  override readonly name = 'AuditRecordNotFoundError';
}

/** `markUndone` was called for a step that is not `succeeded` (it changed nothing, or is already undone). */
export class AuditStepNotUndoableError extends AuditStoreError {
  override readonly name = 'AuditStepNotUndoableError';

  constructor(
    message: string,
    readonly record: AuditRecord | undefined,
  ) {
    super(message);
  }
}

/** Plans have at most a handful of steps; three digits keep lexical order equal to numeric order. */
const STEP_KEY_DIGITS = 3;

/** The sort key of plan step `index`: `step-000`, `step-001`… */
export function stepKeyFor(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 10 ** STEP_KEY_DIGITS) {
    throw new RangeError(`step index must be an integer in [0, ${10 ** STEP_KEY_DIGITS - 1}], got ${index}`);
  }
  return `step-${String(index).padStart(STEP_KEY_DIGITS, '0')}`;
}

export interface DynamoDbAuditStoreOptions {
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * The remediation audit trail: one item per (finding, plan step), keyed `findingId` / `stepKey`.
 * `begin` is a conditional create, so duplicate deliveries of a finding find the step already recorded.
 */
export class DynamoDbAuditStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly now: () => Date;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbAuditStoreOptions = {},
  ) {
    // before/after hold arbitrary JSON; undefined members are dropped rather than rejected.
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Starts a step. Returns `{ kind: 'new' }` with the created record, or `{ kind: 'existing' }` with the stored
   * record (attempts incremented) so the caller can skip a finished step or decide to retry an
   * `in-progress` / `failed` one.
   */
  async begin(input: AuditBeginInput): Promise<{ kind: 'new' | 'existing'; record: AuditRecord }> {
    const timestamp = this.now().toISOString();
    const record: AuditRecord = {
      ...input,
      status: 'in-progress',
      attempts: 1,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return { kind: 'new', record: withoutUndefined(record) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw this.wrap('begin', input.findingId, input.stepKey, error);
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: input.findingId, [SK]: input.stepKey },
          UpdateExpression: 'ADD #attempts :one SET #updatedAt = :now',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK, '#attempts': 'attempts', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':one': 1, ':now': timestamp },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'existing', record: this.toRecord(out.Attributes, input.findingId, input.stepKey) };
    } catch (error) {
      // Only reachable if the step was deleted between the two writes (nothing in TrailGuard deletes steps).
      throw this.wrap('begin', input.findingId, input.stepKey, error);
    }
  }

  /**
   * Claims an `in-progress` step for one delivery for `leaseSeconds`: true for exactly one caller while the lease
   * runs. `begin` tells a duplicate delivery that a step exists but not whether another delivery is deciding it
   * right now (SQS can deliver a message twice at once) or crashed deciding it; the lease tells them apart, so two
   * concurrent deliveries never both act, and a crashed one is taken over once its lease has run out.
   */
  async claim(findingId: string, stepKey: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const now = this.now().getTime();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: findingId, [SK]: stepKey },
          UpdateExpression: 'SET #claimedUntil = :until, #claimedBy = :owner',
          ConditionExpression:
            'attribute_exists(#pk) AND #status = :inProgress AND (attribute_not_exists(#claimedUntil) OR #claimedUntil <= :now)',
          ExpressionAttributeNames: {
            '#pk': PK,
            '#status': 'status',
            '#claimedUntil': 'claimedUntil',
            '#claimedBy': 'claimedBy',
          },
          ExpressionAttributeValues: {
            ':until': now + leaseSeconds * 1000,
            ':owner': owner,
            ':inProgress': 'in-progress',
            ':now': now,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw this.wrap('claim', findingId, stepKey, error);
    }
  }

  /** Gives a claim back early (the delivery failed transiently), so the retry need not wait for the lease. */
  async releaseClaim(findingId: string, stepKey: string, owner: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: findingId, [SK]: stepKey },
          UpdateExpression: 'REMOVE #claimedUntil, #claimedBy',
          ConditionExpression: '#claimedBy = :owner',
          ExpressionAttributeNames: { '#claimedUntil': 'claimedUntil', '#claimedBy': 'claimedBy' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return; // someone else holds it now: nothing of ours to give back
      throw this.wrap('releaseClaim', findingId, stepKey, error);
    }
  }

  /** Records the outcome of a step; fields left undefined in `update` keep their stored value. */
  async finish(findingId: string, stepKey: string, update: AuditFinishUpdate): Promise<AuditRecord> {
    const assignments: Record<string, unknown> = {
      status: update.status,
      updatedAt: this.now().toISOString(),
      reason: update.reason,
      before: update.before,
      after: update.after,
      undoCommand: update.undoCommand,
    };
    const names: Record<string, string> = { '#pk': PK };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const [attribute, value] of Object.entries(assignments)) {
      if (value === undefined) continue;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: findingId, [SK]: stepKey },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.toRecord(out.Attributes, findingId, stepKey);
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new AuditRecordNotFoundError(
          `finish: no audit record for finding ${JSON.stringify(findingId)} step ${JSON.stringify(stepKey)} in table "${this.tableName}"; call begin first`,
          { cause: error },
        );
      }
      throw this.wrap('finish', findingId, stepKey, error);
    }
  }

  /** All steps of a finding in plan order (empty when none was recorded). */
  async get(findingId: string): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    try {
      const pages = paginateQuery(
        { client: this.doc },
        {
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :findingId',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':findingId': findingId },
          ConsistentRead: true,
          ScanIndexForward: true,
        },
      );
      for await (const page of pages as AsyncIterable<QueryCommandOutput>) {
        for (const item of page.Items ?? []) {
          records.push(this.toRecord(item, findingId, String(item[SK])));
        }
      }
    } catch (error) {
      if (error instanceof AuditStoreError) throw error;
      throw this.wrap('get', findingId, undefined, error);
    }
    return records;
  }

  /**
   * Every step decided or changed at or after `since` (by `updatedAt`), oldest first. A scan: the audit table holds
   * one item per remediation step, which stays small; this is for operators (`trailguard remediations list`).
   */
  async list(since: Date): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    try {
      const pages = paginateScan(
        { client: this.doc },
        {
          TableName: this.tableName,
          FilterExpression: '#updatedAt >= :since',
          ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':since': since.toISOString() },
          ConsistentRead: true,
        },
      );
      for await (const page of pages as AsyncIterable<ScanCommandOutput>) {
        for (const item of page.Items ?? []) {
          records.push(this.toRecord(item, String(item[PK]), String(item[SK])));
        }
      }
    } catch (error) {
      if (error instanceof AuditStoreError) throw error;
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AuditStoreError(`list failed in table "${this.tableName}": ${detail}`, { cause: error });
    }
    return records.sort(
      (a, b) =>
        a.createdAt.localeCompare(b.createdAt) ||
        a.findingId.localeCompare(b.findingId) ||
        a.stepKey.localeCompare(b.stepKey),
    );
  }

  /**
   * Records that an operator reversed a step. Conditional on the step being `succeeded`, so two undos racing
   * record once; the loser gets {@link AuditStepNotUndoableError} with the stored record (status `undone`).
   */
  async markUndone(findingId: string, stepKey: string, undo: Omit<AuditUndo, 'at'>): Promise<AuditRecord> {
    const at = this.now().toISOString();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: findingId, [SK]: stepKey },
          UpdateExpression: 'SET #status = :undone, #undo = :undo, #updatedAt = :at REMOVE #undoFailure',
          ConditionExpression: 'attribute_exists(#pk) AND #status = :succeeded',
          ExpressionAttributeNames: {
            '#pk': PK,
            '#status': 'status',
            '#undo': 'undo',
            '#updatedAt': 'updatedAt',
            '#undoFailure': 'undoFailure',
          },
          ExpressionAttributeValues: {
            ':undone': 'undone',
            ':succeeded': 'succeeded',
            ':undo': { ...undo, at },
            ':at': at,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.toRecord(out.Attributes, findingId, stepKey);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw this.wrap('markUndone', findingId, stepKey, error);
    }
    const stored = (await this.get(findingId)).find((r) => r.stepKey === stepKey);
    throw new AuditStepNotUndoableError(
      stored === undefined
        ? `no audit record for finding ${JSON.stringify(findingId)} step ${JSON.stringify(stepKey)}`
        : `step ${stepKey} of finding ${JSON.stringify(findingId)} is ${stored.status}, not succeeded`,
      stored,
    );
  }

  /** Records a failed undo attempt on the step; its status is unchanged. */
  async recordUndoFailure(
    findingId: string,
    stepKey: string,
    failure: { by: string; reason: string },
  ): Promise<AuditRecord> {
    const at = this.now().toISOString();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: findingId, [SK]: stepKey },
          UpdateExpression: 'SET #undoFailure = :failure, #updatedAt = :at',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK, '#undoFailure': 'undoFailure', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ':failure': { ...failure, reason: failure.reason.slice(0, 2000), at },
            ':at': at,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.toRecord(out.Attributes, findingId, stepKey);
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new AuditRecordNotFoundError(
          `recordUndoFailure: no audit record for finding ${JSON.stringify(findingId)} step ${JSON.stringify(stepKey)} in table "${this.tableName}"`,
          { cause: error },
        );
      }
      throw this.wrap('recordUndoFailure', findingId, stepKey, error);
    }
  }

  /** Checks the fields the remediator relies on; the table is ours, so a mismatch is a bug or tampering. */
  private toRecord(
    item: Record<string, unknown> | undefined,
    findingId: string,
    stepKey: string,
  ): AuditRecord {
    const problems: string[] = [];
    if (item === undefined) {
      problems.push('no item returned');
    } else {
      for (const field of [
        'findingId',
        'stepKey',
        'ruleId',
        'actionId',
        'mode',
        'status',
        'createdAt',
        'updatedAt',
      ]) {
        if (typeof item[field] !== 'string') problems.push(`${field} is not a string`);
      }
      for (const field of ['stepIndex', 'attempts']) {
        if (typeof item[field] !== 'number') problems.push(`${field} is not a number`);
      }
      if (typeof item.params !== 'object' || item.params === null) problems.push('params is not a map');
    }
    if (problems.length > 0 || item === undefined) {
      throw new AuditStoreError(
        `malformed audit record for finding ${JSON.stringify(findingId)} step ${JSON.stringify(stepKey)} in table "${this.tableName}": ${problems.join('; ')}`,
      );
    }
    return item as unknown as AuditRecord;
  }

  private wrap(
    operation: string,
    findingId: string,
    stepKey: string | undefined,
    cause: unknown,
  ): AuditStoreError {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const step = stepKey === undefined ? '' : ` step ${JSON.stringify(stepKey)}`;
    return new AuditStoreError(
      `${operation} failed for finding ${JSON.stringify(findingId)}${step} in table "${this.tableName}": ${detail}`,
      { cause },
    );
  }
}

/** The record as DynamoDB will return it (undefined members are not stored). */
function withoutUndefined(record: AuditRecord): AuditRecord {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined),
  ) as unknown as AuditRecord;
}
