import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, clean, field, fromSource, noRemediation } from '../helpers';

/** `durationSeconds` as logged (number or numeric string), for the summary. */
function duration(event: CloudTrailRecord): string {
  const value = field(event, 'requestParameters', 'durationSeconds');
  const text = clean(value, 8);
  return text !== undefined && /^\d+$/.test(text) ? ` valid for ${text} s` : '';
}

export const rule: Rule = {
  id: 'sts.session-token-without-mfa',
  title: 'Session token obtained by an IAM user without MFA',
  description:
    'An IAM user called `GetSessionToken` successfully without presenting MFA (no `serialNumber` in the request). ' +
    'Sanctioned tools call it with MFA to get MFA-flagged sessions; without MFA it adds nothing for the user, but it ' +
    'gives whoever holds the user’s access key temporary credentials (up to 36 hours) that keep working after ' +
    'the key is deactivated or deleted. Role sessions cannot call it. `GetSessionToken` is a read-only call: it ' +
    'reaches EventBridge only when the stack forwards all management events (`ENABLED_WITH_ALL_CLOUDTRAIL_' +
    'MANAGEMENT_EVENTS`) or through the poller.',
  severity: 'low',
  attack: ['T1550.001', 'T1078.004'],
  match: {
    eventSource: ['sts.amazonaws.com'],
    eventName: ['GetSessionToken'],
    errorCode: [{ exists: false }],
    userIdentity: { type: ['IAMUser'] },
    requestParameters: { serialNumber: [{ exists: false }] },
  },
  summarize: (event) =>
    `${actorLabel(event)} obtained a session token without MFA${duration(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Temporary credentials from `GetSessionToken` are not revoked when the long-term key that minted them is ' +
    'deactivated: an attacker who expects the key to be caught mints these first. Check whether the user’s ' +
    'tooling does this (some CLI wrappers call it with or without MFA) and whether the source address and user ' +
    'agent fit the key’s owner. Look at what the session credentials did (events whose ' +
    '`userIdentity.accessKeyId` is the `ASIA…` key in the response). If the key is compromised: deactivating it is ' +
    'not enough; attach a policy to the user denying everything when `aws:TokenIssueTime` is before now (or the ' +
    'quarantine policy), which also stops the session credentials, then rotate the key.',
  falsePositives: [
    'Developer tooling that calls GetSessionToken without MFA to cache credentials.',
    'Legacy applications that hand temporary credentials to clients.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.STS.GetSessionToken.Misuse'],
    sigma: ['AWS STS GetSessionToken Misuse'],
  },
};
