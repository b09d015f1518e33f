/**
 * A realistic CloudTrail archive for `npm run bench`: S3-style `.json.gz` log files of 100 to 1,000 records laid out
 * as CloudTrail writes them (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>Z_
 * <id>.json.gz`), several accounts and regions, events a few minutes out of order within and across files. The mix
 * follows what busy accounts log: mostly read-only calls from roles and services (Describe*, List*, Get*, KMS
 * Decrypt, AssumeRole with its long session token), about a third writes (RunInstances with its large response,
 * CreateTags, PutParameter, ...), a few percent access-denied errors, console sign-ins, and a handful of attacks.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same archive layout. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
type Json = Record<string, unknown>;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const hex = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
const upper = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(rng() * 32)]).join('');

const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
const USER_AGENTS = [
  'aws-cli/2.22.35 md/awscrt#0.23.8 ua/2.1 os/linux#6.8.0-1021-aws md/arch#x86_64 lang/python#3.12.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off',
  'aws-sdk-js/3.726.1 ua/2.1 os/linux#5.10.233-224.894.amzn2.x86_64 lang/js md/nodejs#20.18.1 api/ec2#3.726.1 m/E,N',
  'Boto3/1.35.92 md/Botocore#1.35.92 ua/2.0 os/linux#5.10.230-223.885.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.92',
  'aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.4 md/GOOS#linux md/GOARCH#amd64 api/sts#1.33.3 m/E',
  'Terraform/1.10.3 (+https://www.terraform.io) terraform-provider-aws/5.82.2 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.4',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'console.amazonaws.com',
];
const SERVICES = [
  'lambda.amazonaws.com',
  'ec2.amazonaws.com',
  'autoscaling.amazonaws.com',
  'config.amazonaws.com',
];
const ROLES = [
  'PlatformOperators',
  'DeployPipeline',
  'DataIngest',
  'ReadOnlyAuditor',
  'EksNodeRole',
  'BackupService',
];
const USERS = ['alice', 'bob', 'ci-deployer', 'svc-backup', 'reporting', 'mallory'];

interface Actor {
  identity: Json;
  ip: string;
  agent: string;
  /** Calls from inside a VPC go through an interface endpoint: private source address, `vpcEndpointId` set. */
  vpcEndpointId?: string;
}

/** Roles assumed by people and pipelines, from their own (public) addresses. */
const HUMAN_ROLES = ['PlatformOperators', 'DeployPipeline', 'ReadOnlyAuditor'];
/** Instance-profile roles: session name is the instance id, credentials delivered by IMDSv2. */
const INSTANCE_ROLES = ['EksNodeRole', 'DataIngest', 'BackupService'];

function publicIp(rng: Rng): string {
  return `${pick(rng, [198, 203, 54, 3, 18, 35])}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}`;
}

function roleIdentity(rng: Rng, account: string, role: string, session: string, instance: boolean): Json {
  const roleId = `AROA${upper(rng, 17)}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${upper(rng, 16)}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${account}:role/${role}`,
        accountId: account,
        userName: role,
      },
      webIdFederationData: {},
      attributes: { creationDate: '2025-03-11T05:12:44Z', mfaAuthenticated: 'false' },
      ...(instance ? { ec2RoleDelivery: '2.0' } : {}),
    },
  };
}

function actor(rng: Rng, account: string): Actor {
  const r = rng();
  if (r < 0.35) {
    const session = `i-0${hex(rng, 16)}`;
    return {
      ip: `10.${Math.floor(rng() * 16)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}`,
      agent: pick(rng, USER_AGENTS.slice(1, 4)),
      identity: roleIdentity(rng, account, pick(rng, INSTANCE_ROLES), session, true),
      vpcEndpointId: `vpce-0${hex(rng, 16)}`,
    };
  }
  if (r < 0.55) {
    const session = pick(rng, ['jmiller', 'akhan', 'GitHubActions', 'botocore-session-1741680000']);
    return {
      ip: publicIp(rng),
      agent: pick(rng, USER_AGENTS),
      identity: roleIdentity(rng, account, pick(rng, HUMAN_ROLES), session, false),
    };
  }
  if (r < 0.8) {
    const service = pick(rng, SERVICES);
    return { ip: service, agent: service, identity: { type: 'AWSService', invokedBy: service } };
  }
  const user = pick(rng, USERS);
  return {
    ip: publicIp(rng),
    agent: pick(rng, USER_AGENTS),
    identity: {
      type: 'IAMUser',
      principalId: `AIDA${upper(rng, 17)}`,
      arn: `arn:aws:iam::${account}:user/${user}`,
      accountId: account,
      accessKeyId: `AKIA${upper(rng, 16)}`,
      userName: user,
    },
  };
}

function base(rng: Rng, time: number, account: string, region: string, source: string, name: string): Json {
  const who = actor(rng, account);
  return {
    eventVersion: '1.10',
    userIdentity: who.identity,
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: who.ip,
    userAgent: who.agent,
    requestParameters: null,
    responseElements: null,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    ...(who.vpcEndpointId !== undefined ? { vpcEndpointId: who.vpcEndpointId } : {}),
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${source.split('.')[0]}.${region}.amazonaws.com`,
    },
  };
}

function readOnlyEvent(rng: Rng, time: number, account: string, region: string): Json {
  const kind = rng();
  if (kind < 0.18) {
    const e = base(rng, time, account, region, 'ec2.amazonaws.com', 'DescribeInstances');
    e.requestParameters = {
      instancesSet: {},
      filterSet: {
        items: [
          {
            name: 'tag:Environment',
            valueSet: { items: [{ value: pick(rng, ['prod', 'staging', 'dev']) }] },
          },
          { name: 'instance-state-name', valueSet: { items: [{ value: 'running' }, { value: 'stopped' }] } },
        ],
      },
    };
    return e;
  }
  if (kind < 0.34) {
    const e = base(rng, time, account, region, 'kms.amazonaws.com', 'Decrypt');
    const key = `arn:aws:kms:${region}:${account}:key/${randomUUID()}`;
    e.requestParameters = {
      encryptionContext: {
        'aws:lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:ingest-${hex(rng, 6)}`,
      },
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
    e.resources = [{ accountId: account, type: 'AWS::KMS::Key', ARN: key }];
    e.sharedEventID = randomUUID();
    return e;
  }
  if (kind < 0.48) {
    const e = base(rng, time, account, region, 'sts.amazonaws.com', 'AssumeRole');
    const role = pick(rng, ROLES);
    e.requestParameters = {
      roleArn: `arn:aws:iam::${account}:role/${role}`,
      roleSessionName: `botocore-session-${Math.floor(time / 1000)}`,
      durationSeconds: 3600,
    };
    e.responseElements = {
      credentials: {
        accessKeyId: `ASIA${upper(rng, 16)}`,
        sessionToken: `IQoJb3JpZ2luX2VjE${upper(rng, 40)}${hex(rng, 600)}`,
        expiration: 'Mar 11, 2025, 7:45:09 AM',
      },
      assumedRoleUser: {
        assumedRoleId: `AROA${upper(rng, 17)}:botocore-session`,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/botocore-session`,
      },
    };
    e.resources = [
      { accountId: account, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${account}:role/${role}` },
    ];
    return e;
  }
  if (kind < 0.58) {
    const e = base(
      rng,
      time,
      account,
      region,
      's3.amazonaws.com',
      pick(rng, ['GetBucketAcl', 'GetBucketPolicy', 'ListBuckets']),
    );
    const bucket = `data-${account}-${pick(rng, ['raw', 'curated', 'logs', 'backups'])}`;
    e.requestParameters = { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, acl: '' };
    e.additionalEventData = {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': `${upper(rng, 40)}${hex(rng, 36)}=`,
      bytesTransferredOut: Math.floor(rng() * 4000),
    };
    e.resources = [{ accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }];
    return e;
  }
  const [source, name] = pick(rng, [
    ['iam.amazonaws.com', 'GetRole'],
    ['iam.amazonaws.com', 'ListAttachedRolePolicies'],
    ['sts.amazonaws.com', 'GetCallerIdentity'],
    ['logs.amazonaws.com', 'DescribeLogGroups'],
    ['monitoring.amazonaws.com', 'DescribeAlarms'],
    ['lambda.amazonaws.com', 'ListFunctions20150331'],
    ['ssm.amazonaws.com', 'GetParameter'],
    ['dynamodb.amazonaws.com', 'DescribeTable'],
    ['ec2.amazonaws.com', 'DescribeSecurityGroups'],
  ] as const);
  const e = base(rng, time, account, region, source, name);
  e.requestParameters = {
    roleName: pick(rng, ROLES),
    name: `/app/${pick(rng, ['prod', 'staging'])}/${pick(rng, ['db-url', 'feature-flags', 'api-key'])}`,
    withDecryption: rng() < 0.1,
    maxResults: 50,
  };
  return e;
}

function writeEvent(rng: Rng, time: number, account: string, region: string): Json {
  const kind = rng();
  if (kind < 0.15) {
    const e = base(rng, time, account, region, 'ec2.amazonaws.com', 'RunInstances');
    e.readOnly = false;
    const instanceId = `i-0${hex(rng, 16)}`;
    e.requestParameters = {
      instancesSet: { items: [{ imageId: `ami-0${hex(rng, 16)}`, minCount: 1, maxCount: 1 }] },
      instanceType: pick(rng, ['t3.micro', 'm6i.large', 'c7g.xlarge']),
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: randomUUID(),
      tagSpecificationSet: {
        items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: `worker-${hex(rng, 6)}` }] }],
      },
    };
    e.responseElements = {
      requestId: randomUUID(),
      reservationId: `r-0${hex(rng, 16)}`,
      ownerId: account,
      groupSet: {},
      instancesSet: {
        items: [
          {
            instanceId,
            imageId: `ami-0${hex(rng, 16)}`,
            currentInstanceBootMode: 'uefi',
            instanceState: { code: 0, name: 'pending' },
            privateDnsName: `ip-10-0-${Math.floor(rng() * 255)}-${Math.floor(rng() * 255)}.${region}.compute.internal`,
            amiLaunchIndex: 0,
            productCodes: {},
            instanceType: 't3.micro',
            launchTime: time,
            placement: { availabilityZone: `${region}a`, tenancy: 'default' },
            monitoring: { state: 'disabled' },
            subnetId: `subnet-0${hex(rng, 16)}`,
            vpcId: `vpc-0${hex(rng, 16)}`,
            privateIpAddress: `10.0.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}`,
            stateReason: { code: 'pending', message: 'pending' },
            architecture: 'x86_64',
            rootDeviceType: 'ebs',
            rootDeviceName: '/dev/xvda',
            blockDeviceMapping: {},
            virtualizationType: 'hvm',
            clientToken: randomUUID(),
            groupSet: { items: [{ groupId: `sg-0${hex(rng, 16)}`, groupName: 'default' }] },
            sourceDestCheck: true,
            hypervisor: 'xen',
            networkInterfaceSet: {
              items: [
                {
                  networkInterfaceId: `eni-0${hex(rng, 16)}`,
                  subnetId: `subnet-0${hex(rng, 16)}`,
                  vpcId: `vpc-0${hex(rng, 16)}`,
                  ownerId: account,
                  status: 'in-use',
                  macAddress: '0a:1b:2c:3d:4e:5f',
                  privateIpAddress: '10.0.1.23',
                  sourceDestCheck: true,
                  interfaceType: 'interface',
                  attachment: {
                    attachmentId: `eni-attach-0${hex(rng, 16)}`,
                    deviceIndex: 0,
                    status: 'attaching',
                  },
                },
              ],
            },
            ebsOptimized: false,
            enaSupport: true,
            cpuOptions: { coreCount: 1, threadsPerCore: 2 },
            capacityReservationSpecification: { capacityReservationPreference: 'open' },
            enclaveOptions: { enabled: false },
            metadataOptions: {
              state: 'pending',
              httpTokens: 'required',
              httpPutResponseHopLimit: 2,
              httpEndpoint: 'enabled',
            },
            maintenanceOptions: { autoRecovery: 'default' },
            privateDnsNameOptions: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false },
          },
        ],
      },
    };
    return e;
  }
  const [source, name] = pick(rng, [
    ['ec2.amazonaws.com', 'CreateTags'],
    ['ssm.amazonaws.com', 'PutParameter'],
    ['logs.amazonaws.com', 'CreateLogStream'],
    ['lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2'],
    ['s3.amazonaws.com', 'PutBucketTagging'],
    ['iam.amazonaws.com', 'TagRole'],
    ['dynamodb.amazonaws.com', 'UpdateTable'],
  ] as const);
  const e = base(rng, time, account, region, source, name);
  e.readOnly = false;
  e.requestParameters = {
    resourcesSet: { items: [{ resourceId: `i-0${hex(rng, 16)}` }] },
    tagSet: {
      items: [
        { key: 'CostCenter', value: `cc-${hex(rng, 4)}` },
        { key: 'Owner', value: pick(rng, USERS) },
      ],
    },
    functionName: `arn:aws:lambda:${region}:${account}:function:ingest-${hex(rng, 6)}`,
    environment: { variables: { LOG_LEVEL: 'info', TABLE: `orders-${hex(rng, 4)}` } },
    timeout: 30,
    memorySize: 512,
  };
  e.responseElements = { _return: true };
  return e;
}

/** Attacks sprinkled into the archive so the catalog has something to find. */
function attackEvent(rng: Rng, time: number, account: string, region: string): Json {
  const kind = rng();
  if (kind < 0.4) {
    const e = base(rng, time, account, 'us-east-1', 'signin.amazonaws.com', 'ConsoleLogin');
    e.userIdentity = {
      type: 'IAMUser',
      principalId: `AIDA${upper(rng, 17)}`,
      accountId: account,
      accessKeyId: '',
      userName: pick(rng, USERS),
    };
    e.sourceIPAddress = '45.148.10.22';
    e.userAgent = USER_AGENTS[5];
    e.eventType = 'AwsConsoleSignIn';
    e.readOnly = false;
    e.errorMessage = 'Failed authentication';
    e.responseElements = { ConsoleLogin: 'Failure' };
    e.additionalEventData = {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: 'No',
    };
    return e;
  }
  if (kind < 0.6) {
    const e = base(rng, time, account, region, 'cloudtrail.amazonaws.com', 'StopLogging');
    e.userIdentity = {
      type: 'IAMUser',
      principalId: `AIDA${upper(rng, 17)}`,
      arn: `arn:aws:iam::${account}:user/mallory`,
      accountId: account,
      accessKeyId: `AKIA${upper(rng, 16)}`,
      userName: 'mallory',
    };
    e.readOnly = false;
    e.requestParameters = { name: `arn:aws:cloudtrail:${region}:${account}:trail/org-trail` };
    return e;
  }
  if (kind < 0.8) {
    const e = base(rng, time, account, 'us-east-1', 'iam.amazonaws.com', 'AttachUserPolicy');
    e.readOnly = false;
    e.requestParameters = {
      userName: 'svc-backup',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    };
    return e;
  }
  const e = base(rng, time, account, region, 'iam.amazonaws.com', 'ListAccessKeys');
  e.userIdentity = {
    type: 'Root',
    principalId: account,
    arn: `arn:aws:iam::${account}:root`,
    accountId: account,
    accessKeyId: `ASIA${upper(rng, 16)}`,
  };
  return e;
}

function event(rng: Rng, time: number, account: string, region: string): Json {
  const r = rng();
  const e =
    r < 0.0004
      ? attackEvent(rng, time, account, region)
      : r < 0.68
        ? readOnlyEvent(rng, time, account, region)
        : writeEvent(rng, time, account, region);
  if (rng() < 0.04 && e.eventSource !== 'signin.amazonaws.com') {
    e.errorCode = pick(rng, ['AccessDenied', 'Client.UnauthorizedOperation', 'AccessDeniedException']);
    e.errorMessage = `User: ${String((e.userIdentity as Json).arn ?? 'unknown')} is not authorized to perform: ${String(e.eventSource).split('.')[0]}:${String(e.eventName)} because no identity-based policy allows the action`;
    e.responseElements = null;
  }
  return e;
}

export interface Archive {
  readonly files: number;
  readonly records: number;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
}

/**
 * Writes at least `minRecords` records under `dir`. Each (account, region) delivers a file every five minutes;
 * a file holds the events of the ten minutes before its delivery, unsorted.
 */
export async function generateArchive(dir: string, minRecords: number, seed = 42): Promise<Archive> {
  const rng = prng(seed);
  const start = Date.parse('2025-03-11T00:00:00Z');
  let records = 0;
  let files = 0;
  let compressedBytes = 0;
  let uncompressedBytes = 0;
  const inFlight = new Set<Promise<void>>();
  for (let slot = 0; records < minRecords; slot++) {
    const delivery = start + slot * 300_000;
    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        if (records >= minRecords) break;
        const count = 100 + Math.floor(rng() * 901);
        const batch: Json[] = [];
        for (let i = 0; i < count; i++)
          batch.push(event(rng, delivery - Math.floor(rng() * 600_000), account, region));
        records += count;
        const d = new Date(delivery);
        const ymd = d.toISOString().slice(0, 10).split('-');
        const stamp = d.toISOString().replace(/[-:]/g, '').slice(0, 13);
        const folder = join(dir, 'AWSLogs', account, 'CloudTrail', region, ...ymd);
        const name = `${account}_CloudTrail_${region}_${stamp}Z_${upper(rng, 16)}.json.gz`;
        const text = JSON.stringify({ Records: batch });
        uncompressedBytes += Buffer.byteLength(text);
        files++;
        const job = (async () => {
          const gz = await gzipAsync(text);
          compressedBytes += gz.length;
          await mkdir(folder, { recursive: true });
          await writeFile(join(folder, name), gz);
        })();
        inFlight.add(job);
        void job.finally(() => inFlight.delete(job));
        if (inFlight.size >= 8) await Promise.race(inFlight);
      }
    }
  }
  await Promise.all(inFlight);
  return { files, records, compressedBytes, uncompressedBytes };
}
