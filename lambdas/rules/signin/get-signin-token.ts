import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  field,
  fromSource,
  identityType,
  isRecord,
  quarantineActor,
  revokeActorRoleSessions,
  stringAt,
} from '../helpers';

/**
 * IAM Identity Center's access portal opens the console for its users with `GetSigninToken`, as the session of an
 * `AWSReservedSSO_*` role (path `aws-reserved/sso.amazonaws.com`). Those role names and paths are reserved by AWS:
 * a customer cannot create a role that looks like one. The user agent (`Jersey/...` for the portal) is chosen by
 * the caller and is never consulted.
 */
export function isIdentityCenterSession(event: CloudTrailRecord): boolean {
  const arn = stringAt(event, 'userIdentity', 'arn') ?? '';
  const issuer = stringAt(event, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn') ?? '';
  return (
    /:assumed-role\/AWSReservedSSO_/.test(arn) || issuer.includes(':role/aws-reserved/sso.amazonaws.com/')
  );
}

function failed(event: CloudTrailRecord): boolean {
  const response = field(event, 'responseElements');
  return isRecord(response) && Object.values(response).some((value) => value === 'Failure');
}

export const rule: Rule = {
  id: 'signin.get-signin-token',
  title: 'Console sign-in link minted from API credentials',
  description:
    'A `GetSigninToken` call turned API credentials (an assumed-role session or a `GetFederationToken` session) ' +
    'into a console sign-in link: the "CLI to console" pivot of tools such as aws_consoler and Pacu, which gives ' +
    'an attacker holding stolen keys a browser session as that identity, looking like any console user. IAM Identity Center portal sessions (`AWSReservedSSO_*` roles, which AWS reserves) are excluded; calls ' +
    'the sign-in service logs as `Failure` are excluded. The user agent is not used to exclude anything: the ' +
    'caller chooses it.',
  severity: 'medium',
  attack: ['T1550.001', 'T1021.007'],
  match: {
    eventSource: ['signin.amazonaws.com'],
    eventName: ['GetSigninToken'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isIdentityCenterSession(event) && !failed(event),
  summarize: (event) =>
    `${actorLabel(event)} exchanged its API credentials for a console sign-in token${fromSource(event)}.`,
  /*
   * The console session lives on the same temporary credentials, so it ends with them: revoke the role's sessions
   * issued until now, or quarantine the IAM user that minted the federation token. Both are reversible, but both
   * also end legitimate sessions, hence alert by default.
   */
  remediation: (event) =>
    identityType(event) === 'FederatedUser'
      ? quarantineActor(event, 'its federation token was turned into a console session')
      : revokeActorRoleSessions(event, 'its credentials were turned into a console session'),
  defaultMode: 'alert',
  runbook:
    'Someone holding temporary API credentials asked the AWS sign-in service for a console sign-in token, which ' +
    'opens the console as that identity. Developers do this with tools such as aws-vault or Granted (`aws-vault ' +
    'login`); attackers do it to explore an account they reached with stolen keys. Check who the session belongs ' +
    'to (the role and session name, or the IAM user behind a federated user), whether the source address and user ' +
    'agent fit that person, and how the credentials were obtained (the `AssumeRole` or `GetFederationToken` event ' +
    'that issued the access key `userIdentity.accessKeyId`). Then look at the console activity that follows from ' +
    'the same address. If it is not accounted for: revoke the role’s sessions (IAM console, "Revoke active ' +
    'sessions", or TrailGuard’s plan in enforce mode), or quarantine the IAM user that issued the federation ' +
    'token and deactivate its keys, and find where the credentials leaked from.',
  falsePositives: [
    'Engineers using aws-vault, Granted, Leapp or similar tools to open the console from CLI credentials.',
    'Custom identity brokers that federate users into the console with GetFederationToken.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Console.GetSigninToken.Abuse'],
    sigma: ['AWS Console GetSigninToken Potential Abuse'],
  },
};
