import { inject } from 'vitest';

/** Client config that points a real AWS SDK v3 client at the test run's moto_server. */
export function motoClientConfig(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint: inject('motoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}
