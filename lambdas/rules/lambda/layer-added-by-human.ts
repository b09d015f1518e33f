import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  accountOf,
  actorLabel,
  asList,
  field,
  fromSource,
  isHumanActor,
  noRemediation,
  str,
} from '../helpers';
import { functionLabel } from './code-updated-by-human';

/** Layer ARNs of the request (`layers: ["arn..."]`), else of the resulting configuration (`layers: [{arn}]`). */
export function layerArns(event: CloudTrailRecord): string[] {
  const fromRequest = asList(field(event, 'requestParameters', 'layers'));
  const list = fromRequest.length > 0 ? fromRequest : asList(field(event, 'responseElements', 'layers'));
  return list
    .map((layer) => str(layer) ?? str(field(layer, 'arn')))
    .filter((arn): arn is string => arn !== undefined && arn.length <= 2048);
}

/** Layers published by an account other than the function's: code the account does not control. */
export function foreignLayers(event: CloudTrailRecord): string[] {
  const own = accountOf(event);
  return layerArns(event).filter((arn) => {
    const account = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):layer:/.exec(arn)?.[1];
    return account !== undefined && account !== own;
  });
}

export const rule: Rule = {
  id: 'lambda.layer-added-by-human',
  title: 'Lambda layers set by a person',
  description:
    'A successful `UpdateFunctionConfiguration` made by a person (the `isHumanActor` heuristic: IAM users, root, ' +
    'federated users and IAM Identity Center sessions; not ordinary role sessions, services or CloudFormation) ' +
    'on a function with layers: the request sets layers, or, where the event only shows the result, the updated ' +
    'function has layers. A layer, and above all a Lambda extension shipped in one, runs inside the function ' +
    'with its role and sees every invocation’s event and response. Layers from another account are named in ' +
    'the summary.',
  severity: 'medium',
  attack: ['T1648', 'T1525'],
  match: {
    eventSource: ['lambda.amazonaws.com'],
    eventName: [
      'UpdateFunctionConfiguration',
      'UpdateFunctionConfiguration20150331',
      'UpdateFunctionConfiguration20150331v2',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => isHumanActor(event) && layerArns(event).length > 0,
  summarize: (event) => {
    const layers = layerArns(event);
    const foreign = foreignLayers(event).length;
    return (
      `${actorLabel(event)} set ${layers.length} layer${layers.length === 1 ? '' : 's'} on Lambda function ` +
      `${functionLabel(event)} by hand${foreign > 0 ? ` (${foreign} from another account)` : ''}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Code from a layer now runs inside this function. List the function’s layers (`get-function-configuration`) ' +
    'and for each: who published it, in which account, and whether it contains an extension (`/opt/extensions`). ' +
    'A layer from an unknown account, or one published just before by the same person, is the persistence ' +
    'pattern: extensions can read every event and exfiltrate it. Ask the person whether it was planned. If not: ' +
    'remove the layer (redeploy from the pipeline), review the function’s invocations and its role’s activity ' +
    'since the change, and treat the person’s credentials as compromised. TrailGuard has no automatic ' +
    'remediation for this rule.',
  falsePositives: [
    'Developers attaching monitoring or runtime layers (vendor APM extensions) by hand in development accounts.',
    'Any hand-made configuration change (memory, environment) to a function that already has layers.',
  ],
  stratus: ['aws.persistence.lambda-layer-extension'],
  references: {
    panther: ['AWS.Lambda.UpdateFunctionConfiguration'],
    sigma: ['AWS New Lambda Layer Attached'],
  },
};
