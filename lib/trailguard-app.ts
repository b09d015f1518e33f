import type { App, Environment } from 'aws-cdk-lib';
import { validateSeverity } from './constructs/alert-topic';
import { TrailGuardStack } from './trailguard-stack';

/** Stack id and CloudFormation stack name. */
export const STACK_NAME = 'TrailGuard';

/** Context keys the app reads (`npx cdk deploy -c alertEmail=... -c configPrefix=...`). */
export const CONTEXT_KEYS = {
  alertEmail: 'alertEmail',
  configPrefix: 'configPrefix',
  alertMinSeverity: 'alertMinSeverity',
  escalationEmail: 'escalationEmail',
  accountAlias: 'accountAlias',
  dailySummary: 'dailySummary',
  pollerRate: 'pollerRate',
  pollerRegions: 'pollerRegions',
  initialBackfillHours: 'initialBackfillHours',
  heartbeatMinutes: 'heartbeatMinutes',
  postureSchedule: 'postureSchedule',
  readOnlyEvents: 'readOnlyEvents',
  trustedAccounts: 'trustedAccounts',
  trustedNetworks: 'trustedNetworks',
  account: 'account',
  region: 'region',
} as const;

function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`context "${key}" must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

/** `-c dailySummary=true` arrives as a string, cdk.json may hold a boolean. */
function booleanContext(app: App, key: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context "${key}" must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * The stack is environment-agnostic (synthesizes without credentials, deploys to the CLI's account and region)
 * unless both `account` and `region` are given as context.
 */
function environmentFromContext(app: App): Environment | undefined {
  const account = stringContext(app, CONTEXT_KEYS.account);
  const region = stringContext(app, CONTEXT_KEYS.region);
  if (account === undefined && region === undefined) return undefined;
  if (account === undefined || region === undefined) {
    throw new Error('give both context "account" and "region", or neither (environment-agnostic stack)');
  }
  if (!/^\d{12}$/.test(account))
    throw new Error(`context "account" must be a 12-digit AWS account id, got "${account}"`);
  return { account, region };
}

/** Creates the TrailGuard stack in `app` from the app's context. */
export function createTrailGuardStack(app: App): TrailGuardStack {
  return new TrailGuardStack(app, STACK_NAME, {
    stackName: STACK_NAME,
    description: 'TrailGuard: CloudTrail threat detection and automated response',
    alertEmail: stringContext(app, CONTEXT_KEYS.alertEmail),
    configPrefix: stringContext(app, CONTEXT_KEYS.configPrefix),
    alertMinSeverity: severityContext(app, CONTEXT_KEYS.alertMinSeverity),
    escalationEmail: stringContext(app, CONTEXT_KEYS.escalationEmail),
    accountAlias: stringContext(app, CONTEXT_KEYS.accountAlias),
    dailySummary: booleanContext(app, CONTEXT_KEYS.dailySummary),
    pollerRateMinutes: wholeNumberContext(app, CONTEXT_KEYS.pollerRate),
    pollerRegions: listContext(app, CONTEXT_KEYS.pollerRegions, 'regions'),
    initialBackfillHours: wholeNumberContext(app, CONTEXT_KEYS.initialBackfillHours),
    heartbeatMinutes: wholeNumberContext(app, CONTEXT_KEYS.heartbeatMinutes),
    postureSchedule: stringContext(app, CONTEXT_KEYS.postureSchedule),
    readOnlyEvents: booleanContext(app, CONTEXT_KEYS.readOnlyEvents),
    // Empty entries are dropped (`-c trustedAccounts=1111,2222,` is fine); an empty list is the stack's to reject.
    trustedAccounts: listContext(app, CONTEXT_KEYS.trustedAccounts, '12-digit account ids', {
      dropEmpty: true,
    }),
    trustedNetworks: listContext(app, CONTEXT_KEYS.trustedNetworks, 'CIDRs', { dropEmpty: true }),
    env: environmentFromContext(app),
  });
}

function severityContext(app: App, key: string) {
  const value = stringContext(app, key);
  return value === undefined ? undefined : validateSeverity(value, key);
}

/** `-c pollerRate=10` arrives as a string, cdk.json may hold a number; ranges are the stack's to check. */
function wholeNumberContext(app: App, key: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  throw new Error(`context "${key}" must be a whole number, got ${JSON.stringify(value)}`);
}

/**
 * `-c pollerRegions=eu-west-1,eu-central-1` arrives as a string, cdk.json may hold a JSON array of strings. Entries
 * are trimmed; with `dropEmpty` empty ones are dropped. Checking the entries is the stack's job.
 */
function listContext(
  app: App,
  key: string,
  what: string,
  options: { readonly dropEmpty?: boolean } = {},
): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const entries =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value) && value.every((e) => typeof e === 'string')
        ? value
        : undefined;
  if (entries === undefined) {
    throw new Error(
      `context "${key}" must be a comma-separated list of ${what}, got ${JSON.stringify(value)}`,
    );
  }
  const trimmed = entries.map((e) => e.trim());
  return options.dropEmpty === true ? trimmed.filter((e) => e !== '') : trimmed;
}
