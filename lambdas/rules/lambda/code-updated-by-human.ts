import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isHumanActor,
  noRemediation,
  quoted,
  requestString,
  responseString,
} from '../helpers';

export function functionLabel(event: CloudTrailRecord): string {
  return quoted(responseString(event, 'functionName') ?? requestString(event, 'functionName'));
}

export const rule: Rule = {
  id: 'lambda.code-updated-by-human',
  title: 'Lambda function code replaced by a person',
  description:
    'A successful `UpdateFunctionCode` made by a person rather than a deployment pipeline. Replacing a ' +
    'function’s code runs the new code with the function’s role on every invocation, which makes it a quiet ' +
    'persistence and privilege-escalation path. "By a person" is the documented `isHumanActor` heuristic: IAM ' +
    'users, root, federated users and IAM Identity Center (AWSReservedSSO) role sessions count; sessions of ' +
    'ordinary IAM roles (how CI/CD deploys), AWS services and calls made through CloudFormation do not. The user ' +
    'agent is never consulted, because the caller chooses it.',
  severity: 'medium',
  attack: ['T1648', 'T1525'],
  match: {
    eventSource: ['lambda.amazonaws.com'],
    eventName: ['UpdateFunctionCode', 'UpdateFunctionCode20150331', 'UpdateFunctionCode20150331v2'],
    errorCode: [{ exists: false }],
  },
  predicate: isHumanActor,
  summarize: (event) =>
    `${actorLabel(event)} replaced the code of Lambda function ${functionLabel(event)} by hand${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Code that did not come through the pipeline is running in this function. Compare the deployed package with ' +
    'the last pipeline build (`get-function` gives the code location and `CodeSha256`); look for added network ' +
    'calls, credential reads (`AWS_SESSION_TOKEN`, environment variables) or changed handlers. Ask the person ' +
    'whether it was a hot-fix. If not: redeploy the last good version from the pipeline, review the function’s ' +
    'invocations and its role’s CloudTrail activity since the change, and treat the person’s credentials as ' +
    'compromised. Restrict `lambda:UpdateFunctionCode` to deployment roles. TrailGuard has no automatic ' +
    'remediation for this rule.',
  falsePositives: [
    'Developers deploying from their machine or the console in development accounts.',
    'Pipelines that deploy with IAM user access keys (they count as a person here; move them to roles).',
  ],
  stratus: ['aws.persistence.lambda-overwrite-code'],
  references: { panther: ['AWS.Lambda.UpdateFunctionCode'], sigma: [] },
};
