import { Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { type DefaultParameter, defaultParameters } from '../../lambdas/config/defaults';
import { trustedAccountProblem, trustedNetworkProblem } from '../../lambdas/engine/context';
import type { Rule } from '../../lambdas/engine/types';
import { DEFAULT_CONFIG_PREFIX, ssmNames } from '../../lambdas/shared/contract';
import { CONFIG_PREFIX_PATTERN } from './trailguard-function';

export interface ConfigParametersProps {
  /** The detections: one mode parameter each, plus threshold and window for threshold rules. */
  readonly catalog: readonly Rule[];
  /**
   * SSM path the parameters live under.
   *
   * @default DEFAULT_CONFIG_PREFIX ('/trailguard')
   */
  readonly prefix?: string;
  /**
   * Initial protected principals (ARNs or ARN patterns with `*`). SSM cannot store an empty list.
   *
   * @default - the account root, `arn:<partition>:iam::<account>:root`
   */
  readonly protectedPrincipals?: readonly string[];
  /**
   * 12-digit account ids of the organisation and known partners: creates the StringList
   * `<prefix>/context/trusted-accounts`. Must not be empty (SSM cannot store an empty list).
   *
   * @default - none: the parameter is not created; operators may create it in SSM by hand
   */
  readonly trustedAccounts?: readonly string[];
  /**
   * IPv4/IPv6 CIDRs the organisation's workloads reach AWS from: creates the StringList
   * `<prefix>/context/trusted-networks`. Must not be empty (SSM cannot store an empty list).
   *
   * @default - none: the parameter is not created; operators may create it in SSM by hand
   */
  readonly trustedNetworks?: readonly string[];
}

/**
 * How many parameters CloudFormation creates at once. SSM throttles PutParameter (TooManyUpdates) when a stack
 * creates dozens in parallel, so the parameters form this many dependency chains.
 */
const PARALLEL_PARAMETER_CHAINS = 5;

/** Characters a standard-tier SSM parameter value holds (a StringList is stored comma-joined). */
const SSM_STANDARD_VALUE_LIMIT = 4096;

/**
 * Checks an optional list option: `undefined` stays `undefined` (no parameter), an empty list or a bad entry is an
 * error naming the option and the entry. Duplicates are dropped silently (the first one is kept): the detections
 * use the list as a set, so a repeated entry is harmless and not worth failing a deploy over.
 */
function checkedList(
  where: string,
  option: string,
  list: readonly string[] | undefined,
  problem: (entry: string) => string | undefined,
): string[] | undefined {
  if (list === undefined) return undefined;
  if (list.length === 0) {
    throw new Error(
      `${where}: ${option} is empty and SSM cannot store an empty list; give at least one entry, or leave ` +
        `${option} out to manage the parameter in SSM by hand`,
    );
  }
  for (const entry of list) {
    const reason = problem(entry);
    if (reason !== undefined) throw new Error(`${where}: ${option} entry ${reason}`);
  }
  const unique = [...new Set(list)];
  const length = unique.join(',').length;
  if (length > SSM_STANDARD_VALUE_LIMIT) {
    throw new Error(
      `${where}: ${option} is ${length} characters comma-joined; an SSM parameter holds at most ${SSM_STANDARD_VALUE_LIMIT}`,
    );
  }
  return unique;
}

/**
 * TrailGuard's run-time configuration as SSM parameters under one prefix: kill switch, protected principals,
 * and per-rule mode, threshold and window, initialised from the catalog's defaults. Operators change them
 * in SSM; the functions re-read them (cached for a minute). Each parameter says its allowed values and SSM
 * rejects anything else through its allowed pattern.
 *
 * CloudFormation owns the values: a deploy resets a parameter only when its default in the catalog changes.
 *
 * The trusted accounts and networks lists (`<prefix>/context/*`) exist only when given: absent means empty, and
 * operators may then create them by hand. When given, CloudFormation owns them too: a deploy that changes the
 * option overwrites the parameter, and one without the option deletes it.
 */
export class ConfigParameters extends Construct {
  public readonly prefix: string;
  public readonly killSwitch: ssm.StringParameter;
  public readonly protectedPrincipals: ssm.StringListParameter;
  /** `<prefix>/context/trusted-accounts`; only with the `trustedAccounts` option. */
  public readonly trustedAccounts?: ssm.StringListParameter;
  /** `<prefix>/context/trusted-networks`; only with the `trustedNetworks` option. */
  public readonly trustedNetworks?: ssm.StringListParameter;
  /** Mode parameter per rule id. */
  public readonly ruleModes: ReadonlyMap<string, ssm.StringParameter>;
  /** Threshold and window parameters per threshold rule id. */
  public readonly ruleThresholds: ReadonlyMap<
    string,
    { count: ssm.StringParameter; windowSeconds: ssm.StringParameter }
  >;

  constructor(scope: Construct, id: string, props: ConfigParametersProps) {
    super(scope, id);
    const where = `ConfigParameters ${this.node.path}`;
    this.prefix = props.prefix ?? DEFAULT_CONFIG_PREFIX;
    if (!CONFIG_PREFIX_PATTERN.test(this.prefix)) {
      throw new Error(
        `${where}: prefix "${this.prefix}" must look like /name or /a/b (letters, digits, _ . -)`,
      );
    }
    if (/^\/(aws|ssm)(\/|$)/i.test(this.prefix)) {
      throw new Error(`${where}: prefix "${this.prefix}" starts with a reserved SSM name (aws, ssm)`);
    }
    for (const rule of props.catalog) {
      if (!/^[a-z0-9.-]+$/.test(rule.id)) {
        throw new Error(
          `${where}: rule id "${rule.id}" must contain only [a-z0-9.-] to be part of an SSM name`,
        );
      }
      if (rule.threshold !== undefined) {
        const { count, windowSeconds } = rule.threshold;
        if (!Number.isInteger(count) || count < 1 || !Number.isInteger(windowSeconds) || windowSeconds < 1) {
          throw new Error(
            `${where}: rule ${rule.id} needs a whole, positive threshold count and windowSeconds`,
          );
        }
      }
    }
    const stack = Stack.of(this);
    const protectedPrincipals = props.protectedPrincipals ?? [
      `arn:${stack.partition}:iam::${stack.account}:root`,
    ];
    if (protectedPrincipals.length === 0) {
      throw new Error(`${where}: protectedPrincipals cannot be empty (SSM cannot store an empty list)`);
    }
    const trustedAccounts = checkedList(
      where,
      'trustedAccounts',
      props.trustedAccounts,
      trustedAccountProblem,
    );
    const trustedNetworks = checkedList(
      where,
      'trustedNetworks',
      props.trustedNetworks,
      // The analyzer ignores an entry the engine rejects, so the deploy refuses it first.
      trustedNetworkProblem,
    );

    const created: ssm.CfnParameter[] = [];
    const track = <T extends ssm.StringParameter | ssm.StringListParameter>(parameter: T): T => {
      const resource = parameter.node.defaultChild as ssm.CfnParameter;
      const previous = created[created.length - PARALLEL_PARAMETER_CHAINS];
      if (previous !== undefined)
        resource.addResourceDependency(previous, 'limit parallel SSM PutParameter calls');
      created.push(resource);
      return parameter;
    };

    // Names, values, descriptions and allowed patterns come from the same function the local run uses.
    const defaults = defaultParameters(this.prefix, props.catalog, protectedPrincipals.join(','));
    const modes = new Map<string, ssm.StringParameter>();
    const counts = new Map<string, ssm.StringParameter>();
    const windows = new Map<string, ssm.StringParameter>();
    let killSwitch: ssm.StringParameter | undefined;
    let protectedList: ssm.StringListParameter | undefined;
    for (const p of defaults) {
      const owner = p.ruleId ?? (p.actionId === undefined ? undefined : `Action-${p.actionId}`);
      const scope = owner ? (this.node.tryFindChild(owner) ?? new Construct(this, owner)) : this;
      if (p.type === 'StringList') {
        protectedList = track(
          new ssm.StringListParameter(scope, 'ProtectedPrincipals', {
            parameterName: p.name,
            stringListValue: [...protectedPrincipals],
            description: p.description,
          }),
        );
        continue;
      }
      const id = {
        'kill-switch': 'KillSwitch',
        mode: 'Mode',
        threshold: 'Threshold',
        'window-seconds': 'WindowSeconds',
        'escalation-min-severity': 'EscalationMinSeverity',
        'aggregation-window-seconds': 'AggregationWindowSeconds',
        'max-actions-per-hour': 'MaxActionsPerHour',
        'action-enabled': 'Enabled',
      }[p.kind as Exclude<DefaultParameter['kind'], 'protected-principals'>];
      const parameter = track(
        new ssm.StringParameter(scope, id, {
          parameterName: p.name,
          stringValue: p.value,
          allowedPattern: p.allowedPattern,
          description: p.description,
        }),
      );
      if (p.kind === 'kill-switch') killSwitch = parameter;
      else if (p.kind === 'mode' && p.ruleId) modes.set(p.ruleId, parameter);
      else if (p.kind === 'threshold' && p.ruleId) counts.set(p.ruleId, parameter);
      else if (p.kind === 'window-seconds' && p.ruleId) windows.set(p.ruleId, parameter);
    }
    if (!killSwitch || !protectedList)
      throw new Error(`${where}: default parameters lack the kill switch or list`);
    this.killSwitch = killSwitch;
    this.protectedPrincipals = protectedList;
    this.ruleModes = modes;
    const thresholds = new Map<string, { count: ssm.StringParameter; windowSeconds: ssm.StringParameter }>();
    for (const [ruleId, count] of counts) {
      const windowSeconds = windows.get(ruleId);
      if (windowSeconds) thresholds.set(ruleId, { count, windowSeconds });
    }
    this.ruleThresholds = thresholds;

    const managedNote =
      'Managed by the TrailGuard stack: a deploy that changes the stack option overwrites this value, and one ' +
      'without the option deletes the parameter; change it through the option, not here.';
    if (trustedAccounts !== undefined) {
      this.trustedAccounts = track(
        new ssm.StringListParameter(this, 'TrustedAccounts', {
          parameterName: ssmNames.trustedAccounts(this.prefix),
          stringListValue: trustedAccounts,
          description:
            'TrailGuard trusted accounts: 12-digit AWS account ids of your organisation and known partners. ' +
            'Sharing snapshots, AMIs or documents with them, trusting them in a role trust policy or letting them ' +
            `read a secret is not reported as exposure. ${managedNote} (option trustedAccounts)`,
        }),
      );
    }
    if (trustedNetworks !== undefined) {
      this.trustedNetworks = track(
        new ssm.StringListParameter(this, 'TrustedNetworks', {
          parameterName: ssmNames.trustedNetworks(this.prefix),
          stringListValue: trustedNetworks,
          description:
            'TrailGuard trusted networks: IPv4/IPv6 CIDRs your workloads reach AWS from (NAT gateway Elastic IPs, ' +
            'VPN egress). Instance credentials used from them are not reported as used outside AWS. ' +
            `${managedNote} (option trustedNetworks)`,
        }),
      );
    }
  }
}
