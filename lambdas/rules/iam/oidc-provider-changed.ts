import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  fromSource,
  isAwsServicePrincipal,
  noRemediation,
  quoted,
  requestString,
  responseString,
} from '../helpers';
import { isServiceLinkedRoleSession } from './saml-provider-changed';

const VERB: Record<string, string> = {
  CreateOpenIDConnectProvider: 'created OIDC provider',
  UpdateOpenIDConnectProviderThumbprint: 'replaced the certificate thumbprints of OIDC provider',
  AddClientIDToOpenIDConnectProvider: 'added a client id (audience) to OIDC provider',
  DeleteOpenIDConnectProvider: 'deleted OIDC provider',
};

function provider(event: CloudTrailRecord): string {
  return quoted(
    requestString(event, 'url') ??
      requestString(event, 'openIDConnectProviderArn') ??
      responseString(event, 'openIDConnectProviderArn'),
  );
}

export const rule: Rule = {
  id: 'iam.oidc-provider-changed',
  title: 'OIDC identity provider created, changed or deleted',
  description:
    'An IAM OpenID Connect identity provider was created, had its thumbprints replaced or a client id (audience) ' +
    'added, or was deleted. With a provider and a role that trusts it, anyone who can obtain a token from that ' +
    'issuer for that audience can assume the role without any AWS credential: a quiet persistence path (for ' +
    'example a GitHub Actions or Kubernetes issuer the attacker controls). Changes made through service-linked ' +
    'roles, calls by AWS service principals and failed calls are excluded; changes made through CloudFormation (`invokedBy`) count.',
  severity: 'medium',
  attack: ['T1484.002', 'T1098'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: Object.keys(VERB),
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event) && !isServiceLinkedRoleSession(event),
  summarize: (event) => {
    const audience =
      event.eventName === 'AddClientIDToOpenIDConnectProvider'
        ? ` (${quoted(requestString(event, 'clientID'))})`
        : '';
    return (
      `${actorLabel(event)} ${VERB[event.eventName] ?? clean(event.eventName, 64) ?? 'changed'} ${provider(event)}` +
      `${audience}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'OIDC providers let workloads outside AWS (CI systems, Kubernetes clusters, other clouds) exchange their ' +
    'tokens for role sessions. Confirm the change with the team that owns the integration. Investigate: the ' +
    'issuer URL and audiences (`aws iam get-open-id-connect-provider`), the roles whose trust policies name the ' +
    'provider and their conditions on `sub` and `aud` (an unscoped trust admits every workload of that issuer), ' +
    'and `AssumeRoleWithWebIdentity` events through it since. Respond if not expected: delete the provider or ' +
    'remove the added audience, fix or remove trusting roles, and revoke their sessions.',
  falsePositives: [
    'Setting up CI/CD federation (GitHub Actions, GitLab, Terraform Cloud) or EKS IRSA, which creates a provider per cluster.',
    'Thumbprint updates after an issuer rotates its certificate.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
