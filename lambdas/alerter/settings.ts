import { ConfigSource, type ParameterFetcher } from '../config/config-source';
import type { AlertingSettings } from '../config/runtime-config';
import type { Log } from '../shared/log';

/**
 * The alerting settings (`<prefix>/alerting/*`), validated by the same parser as the rest of the configuration and
 * cached. `fetch` reads only the alerting subtree (names relative to it), so the alerter needs no access to the
 * rules' parameters. Invalid values fall back to the last good one or the default; the analyzer, which reads the
 * whole prefix, reports them.
 */
export function alertingSettingsSource(
  fetch: ParameterFetcher,
  prefix: string,
  maxAgeSeconds: number,
  log: Log,
): () => Promise<AlertingSettings> {
  const source = new ConfigSource({
    prefix,
    rules: [],
    maxAgeSeconds,
    fetch: async () => {
      const relative = await fetch();
      return Object.fromEntries(Object.entries(relative).map(([name, value]) => [`alerting/${name}`, value]));
    },
    onFetchError: (error) =>
      log.error('could not read the alerting settings from SSM; keeping the last ones', {
        reason: error instanceof Error ? error.message : String(error),
      }),
  });
  return async () => (await source.get()).alerting;
}
