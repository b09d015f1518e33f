import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createTrailGuardStack } from '../../lib/trailguard-app';
import type { TrailGuardStack } from '../../lib/trailguard-stack';

export interface SynthOptions {
  /** App context, as `-c key=value` would give it. */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * Run esbuild on the three handlers. Off by default: the template is the same apart from asset hashes, and
   * bundling is what makes synthesis slow. The stack test bundles once so a broken handler build still fails.
   */
  readonly bundle?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: TrailGuardStack;
  readonly template: Template;
}

/**
 * The detection-context options, one as `-c trustedAccounts=...` gives it (a string, with spaces, an empty entry
 * and a duplicate), one as cdk.json holds it (a JSON array). The cdk-nag and cfn-lint tests synthesize with them,
 * so the optional parameters are checked too.
 */
export const TRUSTED_CONTEXT = {
  trustedAccounts: ' 111122223333, 444455556666,,111122223333',
  trustedNetworks: ['198.51.100.90/32', ' 2001:db8::/56 '],
} as const;

const cache = new Map<string, Synthesized>();

/** Synthesizes the TrailGuard app the way `bin/app.ts` does, once per distinct options per test process. */
export function synth(options: SynthOptions = {}): Synthesized {
  const key = JSON.stringify(options);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const app = new App({
    context: { ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context },
  });
  const stack = createTrailGuardStack(app);
  const result = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, result);
  return result;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every statement of the identity policies attached to the role with this logical id. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      asArray(policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => asArray(policy.Properties.PolicyDocument.Statement as Statement[]));
}

/** Every statement of every identity policy in the template (inline, managed, role inline policies). */
export function allIdentityStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    statements.push(...asArray(policy.Properties.PolicyDocument.Statement as Statement[]));
  }
  for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy'))) {
    statements.push(...asArray(policy.Properties.PolicyDocument.Statement as Statement[]));
  }
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    for (const inline of asArray(
      role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[],
    )) {
      statements.push(...asArray(inline.PolicyDocument.Statement));
    }
  }
  return statements;
}

/**
 * Loads a synthesized function's bundle in a fresh Node process, outside the repository (so nothing resolves from
 * node_modules), with `env` as its environment, and prints `typeof handler`: `function` when it loads on its own.
 */
export function loadHandlerOfBundle(
  assetDir: string,
  fn: unknown,
  env: Readonly<Record<string, string>>,
): { stdout: string; stderr: string } {
  const key = (fn as { Properties?: { Code?: { S3Key?: unknown } } } | undefined)?.Properties?.Code?.S3Key;
  const hash = String(key).replace(/\.zip$/, '');
  const dir = mkdtempSync(join(tmpdir(), 'trailguard-bundle-'));
  try {
    cpSync(join(assetDir, `asset.${hash}`), dir, { recursive: true });
    return spawnSync(process.execPath, ['-e', "process.stdout.write(typeof require('./index.js').handler)"], {
      cwd: dir,
      env: {
        ...process.env,
        ...env,
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
