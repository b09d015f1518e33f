import { GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { ListAccessKeysCommand, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Rule } from '../lambdas/engine/types';
import { CLOUDTRAIL_DETAIL_TYPES, ENV } from '../lambdas/shared/contract';
import { type LocalClients, type LocalResources, localClients, provision } from './provision';
import { runAttackScenario, type ScenarioResult } from './scenario';

export interface LocalRunOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Resource name prefix; unique per run so a shared emulator can hold several runs. */
  readonly name: string;
  readonly out: (line: string) => void;
}

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface LocalRunReport {
  readonly resources: LocalResources;
  readonly scenario: ScenarioResult;
  readonly emails: { subject: string; text: string; attributes: Record<string, string> }[];
  readonly inboxDeliveries: number;
  /** Messages the escalation topic's subscriber received (paging). */
  readonly pagerDeliveries: number;
  readonly failures: string[];
  readonly finalState: {
    victimKeyStatus?: string;
    backdoorKeyStatus?: string;
    quarantined: boolean;
    trailLogging?: boolean;
  };
}

/**
 * Runs the whole pipeline against an AWS emulator: provisions what the stack would, replays the attack through
 * the real analyzer, remediator and alerter handlers (each fed from its own queue, as Lambda would), and prints
 * the alerts and remediation outcomes.
 */
export async function runLocalPipeline(
  rules: readonly Rule[],
  options: LocalRunOptions,
): Promise<LocalRunReport> {
  const { out } = options;
  const c = localClients(options.endpoint, options.region);
  out(`Provisioning TrailGuard resources in the emulator at ${options.endpoint} ...`);
  const resources = await provision(c, rules, options);
  out(
    `  tables ${resources.stateTable}, ${resources.auditTable}; bus ${resources.findingsBus}; topic ${resources.topicArn}`,
  );
  out(
    `  quarantine policy ${resources.quarantinePolicyArn}; ${rules.length} rules configured under ${resources.configPrefix}`,
  );

  configureHandlerEnvironment(resources, options);
  // Handlers read their configuration at import, as in Lambda: import them only now.
  const [{ handler: analyzer }, { handler: remediator }, { handler: alerter }, { snsClient }] =
    await Promise.all([
      import('../lambdas/handlers/analyzer'),
      import('../lambdas/handlers/remediator'),
      import('../lambdas/handlers/alerter'),
      import('../lambdas/shared/clients'),
    ]);
  const published: PublishCommandInput[] = [];
  snsClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as PublishCommandInput;
      // The alert topic's messages are the emails; the escalation topic gets copies of some (counted below).
      if (context.commandName === 'PublishCommand' && input.TopicArn === resources.topicArn)
        published.push(input);
      return next(args);
    },
    { step: 'initialize', name: 'captureAlertsForLocalRun' },
  );

  out('');
  out('Replaying the attack with the victim key (calls really run in the emulator) ...');
  const scenario = await runAttackScenario(c, resources, options);
  for (const r of scenario.records)
    out(`  ${r.eventTime}  ${r.eventName.padEnd(18)} by ${scenario.victimUser} (${scenario.victimKeyId})`);
  for (const r of scenario.records) {
    // In AWS the default-bus rules deliver this EventBridge event to the analyzer queue.
    const envelope = {
      version: '0',
      id: r.eventID,
      'detail-type': CLOUDTRAIL_DETAIL_TYPES[0],
      source: `aws.${r.eventSource.split('.')[0]}`,
      account: options.accountId,
      time: r.eventTime,
      region: options.region,
      resources: [],
      detail: r,
    };
    await c.sqs.send(
      new SendMessageCommand({ QueueUrl: resources.queues.analyzer, MessageBody: JSON.stringify(envelope) }),
    );
  }

  const failures: string[] = [];
  const stages: [string, string, SqsHandler][] = [
    ['analyzer', resources.queues.analyzer, analyzer as SqsHandler],
    ['remediator', resources.queues.remediator, remediator as SqsHandler],
    ['alerter', resources.queues.alerter, alerter as SqsHandler],
  ];
  // Drain the queues until nothing moves: findings fan out to remediator and alerter, outcomes come back to alerter.
  for (let round = 0; round < 10; round++) {
    let moved = 0;
    for (const [name, url, handler] of stages) moved += await drain(c, name, url, handler, options, failures);
    if (moved === 0) break;
  }

  const emails = published.map((p) => {
    const variants = JSON.parse(p.Message ?? '{}') as Record<string, string>;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.MessageAttributes ?? {})) attributes[k] = v.StringValue ?? '';
    return { subject: p.Subject ?? '', text: variants.email ?? '', attributes };
  });
  out('');
  out(`${emails.length} alert(s) published to the SNS topic. As the email subscriber reads them:`);
  for (const email of emails) {
    out('');
    out('='.repeat(100));
    out(`Subject: ${email.subject}`);
    out(
      `Attributes: ${Object.entries(email.attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join('  ')}`,
    );
    out('-'.repeat(100));
    out(email.text.trimEnd());
  }
  out('='.repeat(100));

  const inboxDeliveries = await countInbox(c, resources.queues.inbox);
  const pagerDeliveries = await countInbox(c, resources.queues.pager);
  const finalState = await readFinalState(c, resources, scenario);
  out('');
  out(`SQS subscriber of the topic received ${inboxDeliveries} JSON message(s) (machine variant).`);
  out(
    `Escalation topic (paging) received ${pagerDeliveries} of them: critical findings, failed remediations.`,
  );
  out('Emulator state after remediation:');
  out(
    `  victim key ${scenario.victimKeyId} of ${scenario.victimUser}: ${finalState.victimKeyStatus ?? 'missing'}`,
  );
  out(
    `  backdoor key ${scenario.backdoorKeyId} of ${scenario.backdoorUser}: ${finalState.backdoorKeyStatus ?? 'missing'}`,
  );
  out(`  quarantine policy attached to ${scenario.victimUser}: ${finalState.quarantined ? 'yes' : 'no'}`);
  out(`  trail ${resources.trailName} logging: ${finalState.trailLogging ? 'yes' : 'no'}`);
  if (failures.length > 0) {
    out('');
    out(`${failures.length} message(s) failed:`);
    for (const f of failures) out(`  ${f}`);
  }
  return { resources, scenario, emails, inboxDeliveries, pagerDeliveries, failures, finalState };
}

function configureHandlerEnvironment(r: LocalResources, options: LocalRunOptions): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: options.endpoint,
    AWS_REGION: options.region,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    [ENV.stateTable]: r.stateTable,
    [ENV.auditTable]: r.auditTable,
    [ENV.findingsBus]: r.findingsBus,
    [ENV.alertTopicArn]: r.topicArn,
    [ENV.escalationTopicArn]: r.escalationTopicArn,
    [ENV.configPrefix]: r.configPrefix,
    [ENV.quarantinePolicyArn]: r.quarantinePolicyArn,
    [ENV.stackName]: options.name,
    [ENV.configCacheSeconds]: '0',
  });
}

async function drain(
  c: LocalClients,
  name: string,
  url: string,
  handler: SqsHandler,
  options: LocalRunOptions,
  failures: string[],
): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await c.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return moved;
    const event: SQSEvent = {
      Records: Messages.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: m.Attributes?.SenderId ?? 'local',
          ApproximateFirstReceiveTimestamp:
            m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${options.region}:${options.accountId}:${url.split('/').pop()}`,
        awsRegion: options.region,
      })),
    };
    const context = lambdaContext(`${options.name}-${name}`, options);
    const response = await handler(event, context);
    const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    for (const id of failed)
      failures.push(`${name}: message ${id} failed (in AWS it would be retried, then dead-lettered)`);
    // Locally a failed message is reported, not retried: delete everything received so the run terminates.
    await c.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    moved += Messages.length;
  }
}

function lambdaContext(functionName: string, options: LocalRunOptions): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Messages the topic's SQS subscriber holds; read from the queue depth so they stay there for inspection. */
async function countInbox(c: LocalClients, url: string): Promise<number> {
  const { Attributes } = await c.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function readFinalState(
  c: LocalClients,
  r: LocalResources,
  s: ScenarioResult,
): Promise<LocalRunReport['finalState']> {
  const keyStatus = async (user: string, keyId: string) =>
    (await c.iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata?.find(
      (k) => k.AccessKeyId === keyId,
    )?.Status;
  const attached = await c.iam.send(new ListAttachedUserPoliciesCommand({ UserName: s.victimUser }));
  const trail = await c.cloudTrail.send(new GetTrailStatusCommand({ Name: r.trailArn }));
  return {
    victimKeyStatus: await keyStatus(s.victimUser, s.victimKeyId),
    backdoorKeyStatus: await keyStatus(s.backdoorUser, s.backdoorKeyId),
    quarantined: (attached.AttachedPolicies ?? []).some((p) => p.PolicyArn === r.quarantinePolicyArn),
    trailLogging: trail.IsLogging,
  };
}
