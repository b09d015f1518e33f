import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  fromSource,
  isAwsServicePrincipal,
  lastArnSegment,
  noRemediation,
  quoted,
  requestString,
  responseString,
  stringAt,
} from '../helpers';

/**
 * A session of a service-linked role (path `aws-service-role/`): only the AWS service can assume it. IAM Identity
 * Center manages its own `AWSSSO_*` SAML providers this way.
 */
export function isServiceLinkedRoleSession(event: CloudTrailRecord): boolean {
  const issuer = stringAt(event, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn') ?? '';
  return issuer.includes(':role/aws-service-role/');
}

const VERB: Record<string, string> = {
  CreateSAMLProvider: 'created',
  UpdateSAMLProvider: 'updated the metadata of',
  DeleteSAMLProvider: 'deleted',
};

function providerName(event: CloudTrailRecord): string {
  const name =
    requestString(event, 'name') ??
    lastArnSegment(requestString(event, 'sAMLProviderArn') ?? responseString(event, 'sAMLProviderArn'));
  return quoted(name);
}

export const rule: Rule = {
  id: 'iam.saml-provider-changed',
  title: 'SAML identity provider created, updated or deleted',
  description:
    'A SAML identity provider of the account was created, had its metadata (signing certificate) replaced, or ' +
    'was deleted. A SAML provider the attacker controls, trusted by a role, lets them mint sign-ins at will ' +
    '("golden SAML" style persistence); replacing the metadata of an existing provider does the same without a ' +
    'new resource; deleting one locks users out. Changes made by IAM Identity Center through its service-linked ' +
    'role, calls by AWS service principals and failed calls are excluded; changes made through CloudFormation (`invokedBy`) count. Sigma’s "AWS ' +
    'Suspicious SAML Activity" also reports every `AssumeRoleWithSAML`, which is routine federated sign-in ' +
    'traffic; this rule covers its `UpdateSAMLProvider` part only.',
  severity: 'high',
  attack: ['T1484.002', 'T1556.007'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: Object.keys(VERB),
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event) && !isServiceLinkedRoleSession(event),
  summarize: (event) =>
    `${actorLabel(event)} ${VERB[event.eventName] ?? clean(event.eventName, 64) ?? 'changed'} SAML provider ` +
    `${providerName(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'SAML providers decide which external identity systems may sign people in to this account. Confirm with the ' +
    'identity team that the change was planned (new IdP, certificate rotation, decommissioning). Investigate: the ' +
    'provider’s metadata (issuer and signing certificate: `aws iam get-saml-provider`), which roles trust it ' +
    '(trust policies naming its ARN with `sts:AssumeRoleWithSAML`), and `AssumeRoleWithSAML` events that used it ' +
    'since. Respond if not expected: delete the rogue provider or restore the previous metadata from your IdP, ' +
    'remove it from role trust policies, revoke sessions of roles assumed through it, and treat the actor as ' +
    'compromised.',
  falsePositives: [
    'Planned IdP certificate rotation (UpdateSAMLProvider), usually once a year or so.',
    'Onboarding or decommissioning an identity provider.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Suspicious.SAML.Activity'],
    sigma: ['AWS SAML Provider Deletion Activity', 'AWS Suspicious SAML Activity'],
  },
};
