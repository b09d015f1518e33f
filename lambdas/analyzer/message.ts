import { InvalidRecordError } from '../engine/errors';
import { parseCloudTrailRecord } from '../engine/record';
import type { CloudTrailRecord } from '../engine/types';

/**
 * Extracts the CloudTrail record from an analyzer queue message body. Accepted: an EventBridge event (the record
 * is its `detail`, as the default-bus rules deliver it) or a bare CloudTrail record (as the poller sends it).
 */
export function recordFromMessageBody(body: string, where: string): CloudTrailRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new InvalidRecordError(`${where}: message body is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof parsed === 'object' && parsed !== null && 'detail' in parsed && 'detail-type' in parsed) {
    return parseCloudTrailRecord((parsed as { detail: unknown }).detail, `${where} (detail)`);
  }
  return parseCloudTrailRecord(parsed, where);
}
