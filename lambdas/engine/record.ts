import { InvalidRecordError } from './errors';
import type { CloudTrailRecord } from './types';

const REQUIRED_STRINGS = ['eventTime', 'eventSource', 'eventName', 'eventID'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is a CloudTrail record the engine can analyse and returns it typed.
 * Throws `InvalidRecordError` naming the first problem and `where` (file and line, queue message id, ...).
 */
export function parseCloudTrailRecord(value: unknown, where: string): CloudTrailRecord {
  if (!isObject(value)) {
    throw new InvalidRecordError(`${where}: expected a CloudTrail record object, got ${describe(value)}`);
  }
  for (const field of REQUIRED_STRINGS) {
    const fieldValue = value[field];
    if (typeof fieldValue !== 'string' || fieldValue.length === 0) {
      throw new InvalidRecordError(
        `${where}: field "${field}" must be a non-empty string, got ${describe(fieldValue)}`,
      );
    }
  }
  if (Number.isNaN(Date.parse(value.eventTime as string))) {
    throw new InvalidRecordError(
      `${where}: field "eventTime" is not a date: ${truncate(String(value.eventTime))}`,
    );
  }
  if (value.userIdentity !== undefined && !isObject(value.userIdentity)) {
    throw new InvalidRecordError(
      `${where}: field "userIdentity" must be an object, got ${describe(value.userIdentity)}`,
    );
  }
  return value as CloudTrailRecord;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${truncate(value)}"`;
  return typeof value;
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
