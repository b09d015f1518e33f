import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { DynamoDbAuditStore } from '../../lambdas/adapters/dynamodb-audit';
import type { ActionClients } from '../../lambdas/remediator/actions';
import { ENV } from '../../lambdas/shared/contract';
import { UsageError } from '../types';

/** The AWS options `remediations list` and `undo` share, as `parseArgs` declares them. */
export const AWS_OPTIONS = {
  table: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

export const AWS_USAGE =
  `  --table NAME         the audit table (stack output AuditTableName); default $${ENV.auditTable}\n` +
  '  --region REGION      AWS region of the TrailGuard stack (default: your AWS configuration)\n' +
  '  --profile NAME       named profile from your AWS config and credentials files\n' +
  '  --endpoint-url URL   send every AWS call to this endpoint (an emulator)';

export interface AwsOptionValues {
  readonly table?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly 'endpoint-url'?: string;
}

/** SDK clients for the CLI, built from its options the way the AWS CLI reads them. */
export interface CliAws {
  readonly audit: DynamoDbAuditStore;
  readonly tableName: string;
  readonly clients: ActionClients;
  /** Who runs the command (recorded on undo) and the account and partition it acts in. */
  whoAmI(): Promise<{ arn: string; accountId: string; partition: string }>;
  destroy(): void;
}

/** The audit table from `--table` or the environment; a usage error when neither names one. */
export function tableName(values: AwsOptionValues, env: NodeJS.ProcessEnv = process.env): string {
  const name = values.table ?? env[ENV.auditTable];
  if (name === undefined || name.trim() === '') {
    throw new UsageError(
      `no audit table: pass --table (the stack output AuditTableName) or set ${ENV.auditTable}`,
    );
  }
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
    throw new UsageError(`--table "${name.slice(0, 80)}" is not a DynamoDB table name`);
  }
  return name;
}

export function cliAws(values: AwsOptionValues): CliAws {
  const table = tableName(values);
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpoint.slice(0, 80)}"`);
  }
  const common = {
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(values.profile === undefined ? {} : { credentials: fromIni({ profile: values.profile }) }),
  };
  const made: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    made.push(client);
    return client;
  };
  const regional = <T extends { destroy(): void }>(create: (region: string) => T) => {
    const byRegion = new Map<string, T>();
    return (region: string): T => {
      let client = byRegion.get(region);
      if (client === undefined) {
        client = track(create(region));
        byRegion.set(region, client);
      }
      return client;
    };
  };
  const dynamodb = track(new DynamoDBClient(common));
  const sts = track(new STSClient(common));
  return {
    tableName: table,
    audit: new DynamoDbAuditStore(dynamodb, table),
    clients: {
      // IAM is global; its endpoint is in us-east-1 in the aws partition.
      iam: track(new IAMClient({ ...common, region: values.region ?? 'us-east-1' })),
      cloudTrail: regional((region) => new CloudTrailClient({ ...common, region })),
      ec2: regional((region) => new EC2Client({ ...common, region })),
      rds: regional((region) => new RDSClient({ ...common, region })),
      // Emulators answer on one host: path-style addressing, as the AWS CLI uses with --endpoint-url.
      s3: regional(
        (region) =>
          new S3Client({
            ...common,
            region,
            forcePathStyle: endpoint !== undefined,
            followRegionRedirects: true,
          }),
      ),
    },
    async whoAmI() {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      const arn = out.Arn ?? 'unknown';
      const partition = /^arn:([a-z-]+):/.exec(arn)?.[1] ?? 'aws';
      return { arn, accountId: out.Account ?? '', partition };
    },
    destroy() {
      for (const client of made) client.destroy();
    },
  };
}

/** `24h`, `90m`, `7d` or an ISO 8601 time: the start of a `--since` window. */
export function parseSince(value: string, now: Date): Date {
  const relative = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (relative !== null) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const absolute = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(absolute)) {
    throw new UsageError(
      `--since must be a duration such as 90m, 24h or 7d, or an ISO 8601 time; got "${value.slice(0, 80)}"`,
    );
  }
  return new Date(absolute);
}
