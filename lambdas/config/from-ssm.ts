import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Log } from '../shared/log';
import { ConfigSource } from './config-source';
import type { ConfigurableRule } from './runtime-config';
import { ssmParameterFetcher } from './ssm-fetcher';

/** The run-time configuration every handler reads: SSM under `prefix`, cached, never fatal when unreadable. */
export function ssmConfigSource(
  ssm: SSMClient,
  prefix: string,
  rules: readonly ConfigurableRule[],
  maxAgeSeconds: number,
  log: Log,
): ConfigSource {
  return new ConfigSource({
    prefix,
    rules,
    fetch: ssmParameterFetcher(ssm, prefix),
    maxAgeSeconds,
    onFetchError: (error) =>
      log.error('could not read configuration from SSM; keeping the last one', {
        reason: error instanceof Error ? error.message : String(error),
      }),
  });
}
