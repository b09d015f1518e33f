import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterFetcher } from './config-source';

/**
 * Reads every parameter under `prefix` (recursively, paginated by Powertools). Caching is ConfigSource's job,
 * so the provider is asked to fetch each time it is called.
 */
export function ssmParameterFetcher(client: SSMClient, prefix: string): ParameterFetcher {
  const provider = new SSMProvider({ awsSdkV3Client: client });
  return async () => {
    const values = await provider.getMultiple(prefix, {
      recursive: true,
      forceFetch: true,
      throwOnTransformError: true,
    });
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(values ?? {})) {
      if (typeof value === 'string') out[name] = value;
    }
    return out;
  };
}
