import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

const ADD_PERMISSION = ['AddPermission', 'AddPermission20150331', 'AddPermission20150331v2'];
const FUNCTION_URL = [
  'CreateFunctionUrlConfig',
  'CreateFunctionUrlConfig20211031',
  'UpdateFunctionUrlConfig',
  'UpdateFunctionUrlConfig20211031',
];

/**
 * An `AddPermission` statement for principal `*` that no condition ties to a caller: no `sourceArn`,
 * `sourceAccount` or `principalOrgID`. (Service principals such as `s3.amazonaws.com` without `sourceAccount`
 * are a confused-deputy risk, not a public grant, and are not counted.)
 */
export function publicInvokePermission(event: CloudTrailRecord): boolean {
  if (requestString(event, 'principal')?.trim() !== '*') return false;
  return ['sourceArn', 'sourceAccount', 'principalOrgID'].every(
    (key) => requestString(event, key) === undefined,
  );
}

/** A function URL whose `authType` is `NONE`: anyone who knows the URL can invoke the function. */
export function unauthenticatedUrl(event: CloudTrailRecord): boolean {
  return requestString(event, 'authType')?.trim().toUpperCase() === 'NONE';
}

export function opensFunction(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  return ADD_PERMISSION.includes(event.eventName) ? publicInvokePermission(event) : unauthenticatedUrl(event);
}

function functionName(event: CloudTrailRecord): string {
  return quoted(requestString(event, 'functionName'));
}

export const rule: Rule = {
  id: 'lambda.permission-made-public',
  title: 'Lambda function opened to everyone',
  description:
    'A successful `AddPermission` granting principal `*` with no `sourceArn`, `sourceAccount` or ' +
    '`principalOrgID` condition, or a function URL created or updated with `authType: NONE`. Either lets anyone ' +
    'invoke the function (with a permission for `lambda:InvokeFunction`, from any AWS account), running its code ' +
    'with its role: a backdoor that survives key rotation. Differs from Panther on purpose: ' +
    'AWS.Potential.Backdoor.Lambda flags every `AddPermission`, including its test events that name no principal; ' +
    'this rule flags only grants to everyone, because adding permission for a same-account service (S3, API ' +
    'Gateway, EventBridge) is how every Lambda trigger is wired.',
  severity: 'high',
  attack: ['T1098', 'T1648'],
  match: {
    eventSource: ['lambda.amazonaws.com'],
    eventName: [...ADD_PERMISSION, ...FUNCTION_URL],
    errorCode: [{ exists: false }],
  },
  predicate: opensFunction,
  summarize: (event) =>
    ADD_PERMISSION.includes(event.eventName)
      ? `${actorLabel(event)} allowed anyone (principal "*") to call ${quoted(requestString(event, 'action'), 'the function')} ` +
        `on Lambda function ${functionName(event)}${fromSource(event)}.`
      : `${actorLabel(event)} gave Lambda function ${functionName(event)} a function URL anyone can invoke ` +
        `without authentication${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it opened a Lambda function to everyone'),
  defaultMode: 'alert',
  runbook:
    'Anyone can now run this function. Read the function’s policy (`aws lambda get-policy`) and URL configuration, ' +
    'and what the function does with its role: a function with broad permissions invoked by an outsider is a ' +
    'backdoor into the account. Ask the owner whether a public endpoint was intended (webhooks sometimes are, ' +
    'and should then authenticate the caller in code). If not: remove the statement (`remove-permission ' +
    '--statement-id`) or set the URL to `AWS_IAM`, review the function’s recent invocations and code changes, ' +
    'and quarantine the principal (TrailGuard does in `enforce` mode).',
  falsePositives: [
    'Public webhooks or APIs deliberately served by a function URL with authentication in the function code.',
    'Cross-account invocation set up with principal "*" and a condition this rule does not recognise.',
  ],
  stratus: ['aws.persistence.lambda-backdoor-function'],
  references: {
    panther: ['AWS.Potential.Backdoor.Lambda'],
    sigma: ['New AWS Lambda Function URL Configuration Created'],
    disagreements: [
      {
        panther: 'AWS.Potential.Backdoor.Lambda',
        test: 'Lambda Add Permission Event',
        reason: 'the event names no principal; only grants to everyone are flagged, not every trigger wiring',
      },
      {
        panther: 'AWS.Potential.Backdoor.Lambda',
        test: 'Lambda Add Permission Event v2',
        reason: 'the event names no principal; only grants to everyone are flagged, not every trigger wiring',
      },
    ],
  },
};
