/**
 * `npm start`: the whole TrailGuard pipeline on this machine against an AWS emulator.
 *   npm start                                  starts moto_server on a free loopback port, runs, stops it
 *   npm start -- --endpoint-url http://127.0.0.1:5000   uses a running emulator and leaves its state for inspection
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type MotoServer, startMotoServer } from '../local/moto-server';
import { runLocalPipeline } from '../local/run';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'endpoint-url': { type: 'string' },
      region: { type: 'string', default: 'us-east-1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: npm start [-- --endpoint-url URL] [--region us-east-1]');
    return 0;
  }
  let server: MotoServer | undefined;
  let endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    console.error(`--endpoint-url must be an http(s) URL such as http://127.0.0.1:5000, got "${endpoint}"`);
    return 2;
  }
  if (!endpoint) {
    console.log('Starting moto_server (AWS emulator) on a free loopback port ...');
    server = await startMotoServer();
    endpoint = server.endpoint;
  }
  try {
    const report = await runLocalPipeline((await import('../lambdas/rules')).catalog, {
      endpoint,
      region: values.region ?? 'us-east-1',
      accountId: '123456789012',
      name: `trailguard-${randomBytes(3).toString('hex')}`,
      out: (line) => console.log(line),
    });
    const s = report.finalState;
    const contained =
      s.victimKeyStatus === 'Inactive' &&
      s.backdoorKeyStatus === 'Inactive' &&
      s.quarantined &&
      s.trailLogging === true;
    console.log('');
    console.log(
      contained
        ? 'Result: attack detected, alerted and contained.'
        : 'Result: containment INCOMPLETE (see above).',
    );
    if (server === undefined)
      console.log(
        `Emulator state left at ${endpoint} for inspection (resources named ${report.resources.stateTable.replace(/-state$/, '')}-*).`,
      );
    return contained && report.failures.length === 0 ? 0 : 1;
  } finally {
    await server?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
