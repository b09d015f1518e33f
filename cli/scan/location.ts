import type { RecordLocation } from './types';

/** `file:line (Records[3])`, `file (offset 1234)`, `file (Records[3])` or `file`: how people find a record again. */
export function describeLocation(file: string, location: RecordLocation | undefined): string {
  if (location === undefined) return file;
  const at = location.line !== undefined ? `${file}:${location.line}` : file;
  const details: string[] = [];
  if (location.pointer !== undefined && location.pointer !== '') details.push(location.pointer);
  if (location.line === undefined && location.offset !== undefined) details.push(`offset ${location.offset}`);
  return details.length === 0 ? at : `${at} (${details.join(', ')})`;
}
