import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  disableActorAccessKey,
  field,
  fromSource,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';
import { grantsAdmin } from '../policy-document';

function scope(event: CloudTrailRecord): string {
  if (grantsAdmin(field(event, 'requestParameters', 'policy')))
    return ' with an allow-everything session policy';
  return '';
}

export const rule: Rule = {
  id: 'sts.federation-token-created',
  title: 'Federation token minted by an IAM user',
  description:
    'An IAM user called `GetFederationToken` successfully. The resulting federated-user credentials last up to ' +
    '36 hours, carry the user’s permissions (intersected with any session policy), and are not revoked when the ' +
    'user’s access key is deactivated or deleted, which makes them a persistence tool for anyone holding a leaked ' +
    'key (Stratus `sts-federation-token`). Few modern applications use federation tokens; identity brokers that ' +
    'do should call from known users. Failed calls are excluded.',
  severity: 'medium',
  attack: ['T1550.001', 'T1098'],
  match: {
    eventSource: ['sts.amazonaws.com'],
    eventName: ['GetFederationToken'],
    errorCode: [{ exists: false }],
    userIdentity: { type: ['IAMUser'] },
  },
  summarize: (event) =>
    `${actorLabel(event)} minted federation token ${quoted(requestString(event, 'name'))}${scope(event)}` +
    `${fromSource(event)}.`,
  /*
   * Federated sessions are bounded by the minting user's policies, so the deny-all quarantine policy on the user
   * stops them too (deactivating the key alone does not). Then deactivate the key. Both reversible; alert by
   * default because identity brokers mint these legitimately.
   */
  remediation: (event) => [
    ...quarantineActor(event, 'its federation tokens outlive its access key'),
    ...disableActorAccessKey(event, 'it minted a federation token'),
  ],
  defaultMode: 'alert',
  runbook:
    'A federation token gives a named session the minting user’s permissions for up to 36 hours, and survives ' +
    'the user’s key being disabled. Find out whether this user is an identity broker that does this by design. ' +
    'If not: look at the source address and user agent, and at what the federated session did (events with ' +
    '`userIdentity.type = FederatedUser` and the session name from the request, including `GetSigninToken`, which ' +
    'turns it into a console session). To cut the session off, quarantine the minting user (TrailGuard’s plan; ' +
    'the deny applies to its federated sessions) and deactivate its key, then rotate credentials and find the ' +
    'leak.',
  falsePositives: [
    'Identity brokers and legacy applications that federate their users with GetFederationToken.',
  ],
  stratus: ['aws.persistence.sts-federation-token'],
  references: { panther: [], sigma: [] },
};
