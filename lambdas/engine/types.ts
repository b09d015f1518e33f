/**
 * The detection engine's contract. Pure types: no AWS SDK, no I/O.
 *
 * The same types are used by the analyzer Lambda, the `trailguard` CLI and the
 * CDK app (which compiles each rule's `match` into EventBridge event patterns).
 */

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_MODES = ['off', 'alert', 'dry-run', 'enforce'] as const;
/**
 * What TrailGuard does when a rule fires.
 * - `off`: the rule is not evaluated.
 * - `alert`: findings are alerted, nothing is remediated.
 * - `dry-run`: the remediation plan is computed, recorded and reported; nothing changes.
 * - `enforce`: the remediation plan runs.
 */
export type RuleMode = (typeof RULE_MODES)[number];

/** The CloudTrail identity block. Every field is attacker-influenced or optional; treat as untrusted. */
export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer?: {
      type?: string;
      principalId?: string;
      arn?: string;
      accountId?: string;
      userName?: string;
    };
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * One CloudTrail record (the `detail` of an EventBridge "AWS API Call via CloudTrail" event,
 * or one element of a log file's `Records`). Only the fields the engine relies on are typed;
 * everything else is carried through untouched.
 */
export interface CloudTrailRecord {
  eventVersion?: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  eventID: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  userIdentity?: UserIdentity;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  eventType?: string;
  readOnly?: boolean;
  recipientAccountId?: string;
  [key: string]: unknown;
}

/**
 * An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 * Leaves are arrays of values or content-filter objects; objects nest; `$or` holds alternative sub-patterns.
 */
export type PatternValue = string | number | boolean | null | ContentFilter;
export type ContentFilter =
  | { prefix: string | { 'equals-ignore-case': string } }
  | { suffix: string | { 'equals-ignore-case': string } }
  | {
      'anything-but':
        | string
        | number
        | (string | number)[]
        | { prefix: string }
        | { suffix: string }
        | { wildcard: string | string[] }
        | { 'equals-ignore-case': string | string[] };
    }
  | { exists: boolean }
  | { numeric: (string | number)[] }
  | { wildcard: string }
  | { 'equals-ignore-case': string }
  | { cidr: string };
export interface EventPattern {
  $or?: EventPattern[];
  [field: string]: PatternValue[] | EventPattern | EventPattern[] | undefined;
}

/** Counts matching events per group over a sliding window of event time. */
export interface ThresholdSpec {
  /** What the count is grouped by, shown to people (e.g. "source IP"). */
  readonly groupByLabel: string;
  /** The group key for an event; `undefined` means the event is not counted. */
  readonly groupBy: (event: CloudTrailRecord) => string | undefined;
  /** Default number of events within the window that raises a finding (SSM can override). */
  readonly count: number;
  /** Default window length in seconds (SSM can override). */
  readonly windowSeconds: number;
}

/**
 * A short sequence: an event matching `first`, then an event matching the rule's `match` (and predicate), with the
 * same key, within `withinSeconds` of event time. Arrival order does not matter: whichever event completes the
 * pair raises the finding, so `summarize` and `remediation` receive the completing event, which may be either step.
 */
export interface SequenceSpec {
  /** The first step, shown to people (e.g. "CreateUser"). */
  readonly firstLabel: string;
  /** EventBridge pattern of the first step (over the CloudTrail record). */
  readonly first: EventPattern;
  readonly firstPredicate?: (event: CloudTrailRecord) => boolean;
  /** The key tying the steps together for a first-step event (e.g. actor ARN + created user name). */
  readonly keyOfFirst: (event: CloudTrailRecord) => string | undefined;
  /** The same key computed from a second-step event. */
  readonly keyOfSecond: (event: CloudTrailRecord) => string | undefined;
  /** Default window in seconds (SSM `window-seconds` can override). */
  readonly withinSeconds: number;
}

/** Identifiers of the remediation actions the remediator knows. */
export const ACTION_IDS = [
  'iam.disable-access-key',
  'iam.quarantine-principal',
  'cloudtrail.start-logging',
  'iam.revoke-role-sessions',
  'iam.delete-login-profile',
  'iam.detach-admin-policy',
  'iam.restore-role-trust-policy',
  'ec2.revoke-security-group-ingress',
  's3.put-public-access-block',
  'ec2.unshare-snapshot',
  'ec2.unshare-image',
  'rds.unshare-snapshot',
] as const;
export type ActionId = (typeof ACTION_IDS)[number];

/** One step of a remediation plan, derived from the event. Parameters are plain strings. */
export interface RemediationStep {
  readonly action: ActionId;
  readonly params: Readonly<Record<string, string>>;
  /** One line for people: what this step will do. */
  readonly description: string;
}

/** A Panther test event on which this rule deliberately reaches a different verdict, and why. */
export interface KnownDisagreement {
  /** Panther rule id, e.g. `AWS.Root.Activity`. */
  readonly panther: string;
  /** The Panther test's name (`test_name` in the corpus). */
  readonly test: string;
  readonly reason: string;
}

export interface RuleReferences {
  /** Panther rule ids this rule covers. */
  readonly panther?: readonly string[];
  /** Sigma rule titles this rule covers. */
  readonly sigma?: readonly string[];
  /** Where this rule disagrees with Panther's expected verdict on purpose. */
  readonly disagreements?: readonly KnownDisagreement[];
}

/**
 * A detection. One rule per file under `lambdas/rules/`, metadata next to the logic.
 */
export interface Rule {
  /** Stable id, `<family>.<name>`, e.g. `cloudtrail.logging-stopped`. Never renamed once released. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  /** MITRE ATT&CK technique ids, e.g. `T1562.008`. */
  readonly attack: readonly string[];
  /** EventBridge event pattern over the CloudTrail record (not the envelope). */
  readonly match: EventPattern;
  /**
   * What the pattern cannot say. Must be pure and must not throw on odd input. `context` is what the operator
   * told TrailGuard about their environment (trusted accounts and networks); it only ever narrows a match, so a
   * caller without it (`NO_CONTEXT`) sees a superset of the findings.
   */
  readonly predicate?: (event: CloudTrailRecord, context?: DetectionContext) => boolean;
  readonly threshold?: ThresholdSpec;
  /** Makes the rule a two-step sequence whose second step is `match`. Not combined with `threshold`. */
  readonly sequence?: SequenceSpec;
  /** One sentence for people saying what happened, built from the (untrusted) event. */
  readonly summarize: (event: CloudTrailRecord, context?: DetectionContext) => string;
  /** The ordered remediation plan for this event; empty when there is nothing safe to do. */
  readonly remediation?: (event: CloudTrailRecord, context?: DetectionContext) => RemediationStep[];
  /** Mode used when SSM says nothing. */
  readonly defaultMode: RuleMode;
  /** What it means, how to investigate, how to respond. */
  readonly runbook: string;
  readonly falsePositives: readonly string[];
  readonly stratus?: readonly string[];
  readonly references?: RuleReferences;
}

/** Who did it, normalised from `userIdentity`. */
export interface Principal {
  readonly type: string;
  /** The ARN that acted (for assumed roles, the session ARN). */
  readonly arn?: string;
  /** The IAM user or role behind the action (for assumed roles, the session issuer). */
  readonly identityArn?: string;
  readonly identityType?: 'user' | 'role' | 'root' | 'other';
  readonly identityName?: string;
  readonly accessKeyId?: string;
  readonly accountId?: string;
}

/** The key fields of one CloudTrail event behind a finding; never the raw event. */
export interface EvidenceEvent {
  readonly eventID: string;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  /** `requestParameters`, serialised and truncated. */
  readonly requestParameters?: string;
}

export const FINDING_SCHEMA_VERSION = '1.0';

/** What the analyzer emits, one per (rule, event) or per (rule, group, window) for thresholds. */
export interface Finding {
  readonly schemaVersion: typeof FINDING_SCHEMA_VERSION;
  /** Deterministic: the same rule and events always give the same id (idempotency key downstream). */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly attack: readonly string[];
  readonly summary: string;
  /** CloudTrail `eventID`s behind the finding (for thresholds, the event that crossed it). */
  readonly eventIds: readonly string[];
  /** Event time of the event that raised the finding (ISO 8601, UTC). */
  readonly eventTime: string;
  readonly principal: Principal;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly account?: string;
  readonly region?: string;
  readonly evidence: readonly EvidenceEvent[];
  readonly threshold?: {
    readonly groupByLabel: string;
    readonly groupKey: string;
    readonly count: number;
    readonly threshold: number;
    readonly windowSeconds: number;
  };
  readonly sequence?: {
    readonly firstLabel: string;
    readonly key: string;
    readonly withinSeconds: number;
  };
  /** Compliance controls the finding fails (posture checks: CIS AWS Foundations Benchmark, Security Hub). */
  readonly compliance?: readonly { readonly framework: string; readonly id: string }[];
  /** Mode in force when the finding was raised; the remediator re-checks at action time. */
  readonly mode: RuleMode;
  readonly remediation: readonly RemediationStep[];
  readonly runbook: string;
  /** When TrailGuard raised it (ISO 8601). */
  readonly detectedAt: string;
}

/**
 * What the operator tells TrailGuard about their environment (SSM `context/*` in the cloud, `--config` offline).
 * Rules consult it to tell the organisation's own accounts and networks from outsiders.
 */
export interface DetectionContext {
  /** Account ids of the organisation (besides the event's own account): sharing with or trusting them is not exposure. */
  readonly trustedAccounts: ReadonlySet<string>;
  /**
   * CIDRs the organisation's workloads reach AWS from (NAT gateway addresses, VPN egress): instance credentials
   * used from them are not "used outside". Compiled by `detectionContext`.
   */
  readonly trustedNetworks: readonly string[];
  /** Whether an IP address (`sourceIPAddress`) is in `trustedNetworks`. */
  readonly isTrustedAddress: (address: string) => boolean;
}

/** Run-time overrides of a rule's defaults (from SSM in the cloud, flags offline). */
export interface RuleSettings {
  /** The mode in force (after the kill switch). */
  readonly mode: RuleMode;
  /** The mode configured for the rule, before the kill switch (for reports). */
  readonly configuredMode?: RuleMode;
  readonly threshold?: number;
  readonly windowSeconds?: number;
  /**
   * ARN patterns (`*` wildcard, case-insensitive) of principals whose events this rule ignores: the acting ARN and,
   * for role sessions, the role's ARN are compared. For sanctioned automation (a Terraform role tearing down
   * sandboxes); never evaluated for the root user.
   */
  readonly allowPrincipals?: readonly string[];
}

export type RuleSettingsResolver = (rule: Rule) => RuleSettings | Promise<RuleSettings>;

/**
 * Engine state: dedupe marks and windowed counters. Implementations: in-memory
 * (tests, CLI) and DynamoDB (Lambda). Keys are opaque strings built by the engine.
 */
export interface StateStore {
  /** Records `key`; resolves `true` only for the first caller (conditional write). */
  putIfAbsent(key: string, ttlSeconds: number): Promise<boolean>;
  /** Whether `key` was recorded and has not expired. */
  has(key: string): Promise<boolean>;
  /** Removes a mark (used to release a claim when work after it failed). */
  delete(key: string): Promise<void>;
  /** Atomically adds `by` to counter `key` and returns the new value. */
  increment(key: string, by: number, ttlSeconds: number): Promise<number>;
  /** Current values of counters (0 for missing or expired). Same order as `keys`. */
  getCounters(keys: readonly string[]): Promise<number[]>;
}
