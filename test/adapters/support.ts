import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { motoClientConfig } from '../support/aws';

/**
 * A DynamoDB client for concurrency tests against moto. moto_server is threaded and its DynamoDB backend has
 * no lock, so two requests on the same item can interleave inside moto: we measured 200 concurrent unconditional
 * `ADD n :1` ending at 197. DynamoDB applies each request to an item atomically, and that is the guarantee our
 * conditional-write logic relies on. This client restores it by letting one request at a time into moto, while
 * the calls of concurrent operations under test still interleave in any order between requests.
 */
export function atomicMotoDynamoDbClient(): DynamoDBClient {
  const client = new DynamoDBClient(motoClientConfig());
  let queue: Promise<unknown> = Promise.resolve();
  client.middlewareStack.add(
    (next) => (args) => {
      const result = queue.then(() => next(args));
      queue = result.catch(() => undefined);
      return result;
    },
    { step: 'initialize', name: 'oneRequestAtATimeForMoto' },
  );
  return client;
}
