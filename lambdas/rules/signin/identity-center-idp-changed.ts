import type { Rule } from '../../engine/types';
import { actorLabel, clean, fromSource, isAwsServicePrincipal, noRemediation } from '../helpers';

const EVENTS = [
  'AssociateDirectory',
  'DisassociateDirectory',
  'EnableExternalIdPConfigurationForDirectory',
  'DisableExternalIdPConfigurationForDirectory',
];

const WHAT: Record<string, string> = {
  AssociateDirectory: 'connected a directory to IAM Identity Center',
  DisassociateDirectory: 'disconnected the directory of IAM Identity Center',
  EnableExternalIdPConfigurationForDirectory: 'switched IAM Identity Center to an external identity provider',
  DisableExternalIdPConfigurationForDirectory:
    'turned off the external identity provider of IAM Identity Center',
};

export const rule: Rule = {
  id: 'signin.identity-center-idp-changed',
  title: 'IAM Identity Center identity source changed',
  description:
    'The identity source of IAM Identity Center was changed: a directory connected or disconnected, or an ' +
    'external identity provider (SAML) enabled or disabled. The identity source decides who can sign in to every ' +
    'account the organization assigns through Identity Center, so changing it hands sign-in to whoever controls ' +
    'the new source. Calls by AWS service principals are excluded; calls a service made with a principal’s credentials (`invokedBy`, e.g. CloudFormation) count.',
  severity: 'high',
  attack: ['T1556.007', 'T1484.002'],
  match: {
    eventSource: ['sso.amazonaws.com', 'sso-directory.amazonaws.com'],
    eventName: EVENTS,
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event),
  summarize: (event) =>
    `${actorLabel(event)} ${WHAT[event.eventName] ?? `called ${clean(event.eventName, 64) ?? 'an unknown action'}`}` +
    `${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Changing Identity Center’s identity source moves the front door of every account in the organization. ' +
    'Confirm with the identity team that a migration (for example from the built-in directory to Okta or Entra ID) ' +
    'was planned for now. Investigate: who acted and how they signed in; the metadata of the new identity provider ' +
    '(issuer, certificate) in the Identity Center settings; sign-ins through Identity Center right after the ' +
    'change (`Authenticate`, `Federate` events) and which permission sets they used. If not planned: switch the ' +
    'identity source back, remove users or groups the new source introduced, revoke active portal sessions, and ' +
    'treat the actor as compromised.',
  falsePositives: ['Planned migrations of the Identity Center identity source.'],
  stratus: [],
  references: {
    panther: [],
    sigma: ['AWS Identity Center Identity Provider Change'],
  },
};
