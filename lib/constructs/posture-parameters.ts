import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, type IDependable } from 'constructs';
import { type PostureParameter, postureParameters } from '../../lambdas/posture/settings';
import type { PostureCheck } from '../../lambdas/posture/types';
import { CONFIG_PREFIX_PATTERN } from './trailguard-function';

export interface PostureParametersProps {
  /** SSM path the parameters live under (the same prefix as the rules'). */
  readonly prefix: string;
  /**
   * The checks: a mode parameter each, plus a threshold or baseline where the check has one.
   *
   * @default - every check in lambdas/posture/checks
   */
  readonly checks?: readonly PostureCheck[];
  /**
   * Created only after this (the rules' parameters): SSM throttles PutParameter when a stack creates dozens at once.
   *
   * @default - no ordering
   */
  readonly after?: IDependable;
}

/** Parameters created at once, per chain (like the rules' parameters). */
const PARALLEL_CHAINS = 5;

/**
 * The posture checks' run-time configuration: `<prefix>/rules/<check id>/mode` (like every rule, so the kill switch
 * and the remediator treat posture findings the same way), `.../threshold` (days, characters, passwords) and the
 * password character classes baseline, all at their CIS defaults, each described with its allowed values and gated
 * by an allowed pattern. Operators change them in SSM; the next run uses them, no redeploy.
 */
export class PostureParameters extends Construct {
  /** Every parameter, by SSM name. */
  public readonly parameters: ReadonlyMap<string, ssm.CfnParameter>;
  public readonly definitions: readonly PostureParameter[];

  constructor(scope: Construct, id: string, props: PostureParametersProps) {
    super(scope, id);
    if (!CONFIG_PREFIX_PATTERN.test(props.prefix)) {
      throw new Error(
        `PostureParameters ${this.node.path}: prefix "${props.prefix}" must look like /name or /a/b`,
      );
    }
    this.definitions = postureParameters(props.prefix, props.checks);
    const created: ssm.CfnParameter[] = [];
    const parameters = new Map<string, ssm.CfnParameter>();
    const ids: Record<PostureParameter['kind'], string> = {
      mode: 'Mode',
      threshold: 'Threshold',
      'required-classes': 'RequiredClasses',
    };
    for (const p of this.definitions) {
      const checkScope = this.node.tryFindChild(p.checkId) ?? new Construct(this, p.checkId);
      // L1: a StringList with an allowed pattern is not expressible with the L2 constructs.
      const parameter = new ssm.CfnParameter(checkScope, ids[p.kind], {
        name: p.name,
        type: p.type,
        value: p.value,
        allowedPattern: p.allowedPattern,
        description: p.description,
      });
      const previous = created[created.length - PARALLEL_CHAINS];
      if (previous !== undefined)
        parameter.addResourceDependency(previous, 'limit parallel SSM PutParameter calls');
      else if (props.after !== undefined) parameter.node.addDependency(props.after);
      created.push(parameter);
      parameters.set(p.name, parameter);
    }
    this.parameters = parameters;
  }
}
