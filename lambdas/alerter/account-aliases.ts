/**
 * `111122223333=prod-payments,444455556666=staging` → `{ '111122223333': 'prod-payments', … }`. The stack validates
 * the value; an entry that still does not parse is skipped (and reported through `onInvalid`), because a display
 * alias must never stop alerts.
 */
export function parseAccountAliases(
  value: string | undefined,
  onInvalid: (entry: string) => void = () => undefined,
): Record<string, string> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const match = /^\s*(\d{12})=([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?)\s*$/.exec(pair);
    if (match?.[1] && match[2]) out[match[1]] = match[2];
    else onInvalid(pair.slice(0, 100));
  }
  return out;
}
