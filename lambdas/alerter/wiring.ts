import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbStateStore } from '../adapters/dynamodb-state';
import { ssmParameterFetcher } from '../config/ssm-fetcher';
import { dynamodbClient, snsClient, sqsClient, ssmClient } from '../shared/clients';
import { ENV, ssmNames } from '../shared/contract';
import { intEnv, requireEnv } from '../shared/env';
import type { Log } from '../shared/log';
import { parseAccountAliases } from './account-aliases';
import type { AlerterDeps, WindowCheck } from './alert';
import { alertingSettingsSource } from './settings';
import { DynamoDbWindowStore } from './window-store';

/**
 * The alerter's dependencies from its environment (read once, at init). Optional parts stay off when their
 * variable is absent: no escalation topic, no scheduled end-of-window digests, no SSM settings (defaults apply).
 */
export function alerterDepsFromEnv(log: Log, env: NodeJS.ProcessEnv = process.env): AlerterDeps {
  const stateTable = requireEnv(ENV.stateTable, env);
  const configPrefix = env[ENV.configPrefix];
  const quarantinePolicyArn = env[ENV.quarantinePolicyArn];
  const accountAliases = parseAccountAliases(env[ENV.accountAlias], (entry) =>
    log.warn(`ignoring a malformed entry of ${ENV.accountAlias}`, { entry }),
  );
  const queueUrl = env[ENV.alerterQueueUrl];
  return {
    sns: snsClient(),
    topicArn: requireEnv(ENV.alertTopicArn, env),
    escalationTopicArn: env[ENV.escalationTopicArn] || undefined,
    state: new DynamoDbStateStore(dynamodbClient(), stateTable),
    windows: new DynamoDbWindowStore(dynamodbClient(), stateTable),
    settings: configPrefix
      ? alertingSettingsSource(
          ssmParameterFetcher(ssmClient(), ssmNames.alerting(configPrefix)),
          configPrefix,
          intEnv(ENV.configCacheSeconds, 60, env),
          log,
        )
      : undefined,
    scheduleCheck: queueUrl ? sqsCheckScheduler(sqsClient(), queueUrl) : undefined,
    log,
    render: () => ({ now: new Date(), quarantinePolicyArn, configPrefix, accountAliases }),
  };
}

/** Puts an end-of-window check on the alerter's own queue, delayed (SQS delays a message by 15 minutes at most). */
export function sqsCheckScheduler(
  client: SQSClient,
  queueUrl: string,
): (check: WindowCheck, delaySeconds: number) => Promise<void> {
  return async (check, delaySeconds) => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(check),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
      }),
    );
  };
}
