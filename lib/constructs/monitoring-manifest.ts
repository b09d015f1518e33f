import { Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ssmNames } from '../../lambdas/shared/contract';

/**
 * What `trailguard status` reports on, written by the stack as JSON into one SSM parameter. Read with the same SSM
 * access an operator already uses to tune TrailGuard, so status needs no CloudFormation access or client.
 */
export interface DeploymentManifest {
  readonly version: 1;
  readonly stackName: string;
  readonly region: string;
  readonly configPrefix: string;
  readonly stateTable: string;
  /** Work queues (with their dead-letter queue) and lone dead-letter queues (no `url`). */
  readonly queues: readonly {
    readonly name: string;
    readonly url?: string;
    readonly deadLetterUrl: string;
  }[];
  /** Default-bus rules: detection groups and the heartbeat. */
  readonly rules: readonly { readonly name: string; readonly purpose: string }[];
  /** Regions the poller reads (may repeat one; readers deduplicate). */
  readonly pollerRegions: readonly string[];
  readonly pollerRateMinutes: number;
  readonly dashboardName: string;
}

export interface DeploymentManifestParameterProps {
  readonly configPrefix: string;
  readonly manifest: Omit<DeploymentManifest, 'version' | 'stackName' | 'region' | 'configPrefix'>;
}

/** A standard parameter holds 4 KB; CloudFormation resolves names of about 60-100 characters into the tokens. */
const STANDARD_LIMIT = 4096;
const TOKEN_ESTIMATE = 110;

/** The deployment manifest parameter, `<prefix>/deployment`. */
export class DeploymentManifestParameter extends Construct {
  public readonly parameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: DeploymentManifestParameterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const manifest: DeploymentManifest = {
      version: 1,
      stackName: stack.stackName,
      region: stack.region,
      configPrefix: props.configPrefix,
      ...props.manifest,
    };
    const value = stack.toJsonString(manifest);
    // Estimate the resolved size: literal text plus a generous length for each token CloudFormation fills in.
    const literal = JSON.stringify(stack.resolve(value)).replace(/\{"(Ref|Fn::GetAtt)":[^}]*\}/g, '');
    const tokens = (JSON.stringify(stack.resolve(value)).match(/"(Ref|Fn::GetAtt)"/g) ?? []).length;
    const estimate = literal.length + tokens * TOKEN_ESTIMATE;
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: ssmNames.deployment(props.configPrefix),
      stringValue: value,
      description:
        'TrailGuard deployment manifest for `trailguard status` (written by the stack; do not edit)',
      tier: estimate > STANDARD_LIMIT ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });
  }
}
