#!/usr/bin/env node
// `trailguard` command: runs the TypeScript CLI through tsx, so the CLI and the Lambdas share one source tree.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
try {
  const { run } = await import('./cli.ts');
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
