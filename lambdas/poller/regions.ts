/**
 * Global services (IAM, STS' global endpoint, CloudFront, Route 53, console sign-in) record their events in one
 * region of each partition: us-east-1 in the aws partition.
 */
export function globalEventsRegion(region: string): string | undefined {
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('us-iso')) return undefined;
  return 'us-east-1';
}

/** An AWS region name such as `eu-west-1`, `us-gov-west-1` or `ap-southeast-5`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Invalid region list: the stack and the CLI report it before anything runs. */
export class InvalidRegionError extends Error {
  override readonly name = 'InvalidRegionError';
}

/** Parses a comma-separated (or already split) region list, rejecting anything that is not a region name. */
export function parseRegions(value: string | readonly string[]): string[] {
  const list = (typeof value === 'string' ? value.split(',') : [...value])
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = list.filter((r) => !REGION_PATTERN.test(r));
  if (bad.length > 0) {
    throw new InvalidRegionError(
      `not a region name: ${bad.map((r) => JSON.stringify(r)).join(', ')} (expected names like eu-west-1)`,
    );
  }
  return [...new Set(list)];
}

/**
 * The regions to poll: the partition's global-events region first, then the configured ones (default: the
 * region the poller runs in), each once.
 */
export function pollRegions(configured: readonly string[], home: string): string[] {
  const global = globalEventsRegion(home);
  const regions = configured.length > 0 ? configured : [home];
  return [...new Set([...(global ? [global] : []), ...regions])];
}
