import { fromIni } from '@aws-sdk/credential-providers';
import { UsageError } from '../types';

/** The AWS options `poll`, `redrive` and `status` share, as `parseArgs` declares them. */
export const OPS_AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

export const OPS_AWS_USAGE =
  '  --region REGION      AWS region of the TrailGuard stack (default: your AWS configuration)\n' +
  '  --profile NAME       named profile from your AWS config and credentials files\n' +
  '  --endpoint-url URL   send every AWS call to this endpoint (an emulator)';

export interface OpsAwsValues {
  readonly region?: string | readonly string[];
  readonly profile?: string;
  readonly 'endpoint-url'?: string;
}

/** SDK client configuration from the options, read the way the AWS CLI reads them. */
export interface ClientConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: ReturnType<typeof fromIni>;
  readonly maxAttempts: number;
  readonly retryMode: 'adaptive';
}

export function clientConfig(values: OpsAwsValues, region?: string): ClientConfig {
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpoint.slice(0, 80)}"`);
  }
  const chosen = region ?? (typeof values.region === 'string' ? values.region : undefined);
  return {
    maxAttempts: 5,
    retryMode: 'adaptive',
    ...(chosen === undefined ? {} : { region: chosen }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(values.profile === undefined ? {} : { credentials: fromIni({ profile: values.profile }) }),
  };
}

/** The region the SDK would use without `--region` (environment only: profiles are resolved by the SDK). */
export function defaultRegion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}
