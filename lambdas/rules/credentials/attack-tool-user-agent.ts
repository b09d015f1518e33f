import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, clean, disableActorAccessKey, fromSource, userAgentOf } from '../helpers';

/**
 * Offensive tools and penetration-testing distributions, as they show in the user agent:
 * - TruffleHog verifies every AWS key it finds with `sts:GetCallerIdentity`, user agent `TruffleHog…`; that one
 *   call is all it makes, so only that call counts (another call claiming its name is not its key check);
 * - Pacu, the AWS exploitation framework;
 * - Kali, Parrot and Pentoo Linux, whose kernel release (`Linux/6.x-kali…-amd64`, `…-2parrot1-amd64`) the AWS
 *   SDKs and CLI write into the user agent (the signal behind GuardDuty's `PenTest:IAMUser/*` findings).
 * Distribution names must stand alone (delimited by non-letters), so `mkalias` or `parroting` do not match.
 */
const TOOLS: readonly (readonly [string, RegExp, ((event: CloudTrailRecord) => boolean)?])[] = [
  ['TruffleHog', /trufflehog/i, isKeyVerification],
  ['Pacu', /(?:^|[^a-z])pacu(?:[^a-z]|$)/i],
  ['Kali Linux', /(?:^|[^a-z])kali(?:[^a-z]|$)/i],
  ['Parrot OS', /(?:^|[^a-z])parrot(?:[^a-z]|$)/i],
  ['Pentoo Linux', /(?:^|[^a-z])pentoo(?:[^a-z]|$)/i],
];

function isKeyVerification(event: CloudTrailRecord): boolean {
  return event.eventSource === 'sts.amazonaws.com' && event.eventName === 'GetCallerIdentity';
}

/** The tool the user agent names (for TruffleHog, on its key check only), or `undefined`. */
export function attackTool(event: CloudTrailRecord): string | undefined {
  const agent = userAgentOf(event);
  return TOOLS.find(
    ([, pattern, applies]) => pattern.test(agent) && (applies === undefined || applies(event)),
  )?.[0];
}

/** EventBridge pre-filter: wildcards are case-sensitive, so the usual spellings are listed; the predicate decides. */
const PREFILTER = [
  'TruffleHog',
  'trufflehog',
  'Trufflehog',
  'TRUFFLEHOG',
  'Pacu',
  'pacu',
  'PACU',
  'kali',
  'Kali',
  'KALI',
  'parrot',
  'Parrot',
  'pentoo',
  'Pentoo',
];

export const rule: Rule = {
  id: 'credentials.attack-tool-user-agent',
  title: 'API call from an offensive tool or pentest distribution',
  description:
    'An API call whose user agent names an offensive tool (TruffleHog, Pacu) or a penetration-testing Linux ' +
    'distribution (Kali, Parrot, Pentoo), failed or not. TruffleHog counts on `sts:GetCallerIdentity` only, the one ' +
    'call it makes to verify a key it found: it means a secret scanner found a live key of this account somewhere. ' +
    'The others count on any call of any service: someone is attacking the ' +
    'account with its credentials, or a sanctioned test is running. The user agent is chosen by the caller, so the ' +
    'absence of a finding proves nothing; its presence is a strong signal, because legitimate software has no ' +
    'reason to claim these names. Read-only calls reach EventBridge only when the stack forwards all management events ' +
    '(`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or through the poller.',
  severity: 'high',
  attack: ['T1078.004', 'T1552.001', 'T1087.004'],
  match: {
    userAgent: PREFILTER.map((word) => ({ wildcard: `*${word}*` })),
  },
  predicate: (event) => attackTool(event) !== undefined,
  summarize: (event) =>
    `${actorLabel(event)} called ${clean(event.eventSource, 64) ?? 'an unknown service'}:` +
    `${clean(event.eventName, 64) ?? 'an unknown action'} with ${attackTool(event) ?? 'an offensive tool'}` +
    `${fromSource(event)}.`,
  /*
   * The long-term key that signed the call is in the hands of whoever runs the tool: deactivate it (reversible,
   * and what AWS itself advises for an exposed key). Role sessions are not revoked here: that would cut off every
   * workload of the role, a decision for a person.
   */
  remediation: (event) =>
    disableActorAccessKey(event, `it was used by ${attackTool(event) ?? 'an offensive tool'}`),
  defaultMode: 'enforce',
  runbook:
    'A credential of this account is being used by an attack tool. First ask whether a penetration test or red ' +
    'team exercise is running with this principal (then set the rule to alert for its duration). TruffleHog ' +
    '`GetCallerIdentity` alone means the key was found by a secret scanner (yours, in CI, or someone else’s on a ' +
    'public repository): find where it leaked. Otherwise treat the credential as stolen. In enforce mode ' +
    'TrailGuard deactivates the access key that signed the call (reversible: `aws iam update-access-key … ' +
    '--status Active`). Then: list everything the key or session did (`userIdentity.accessKeyId`), remove what ' +
    'it created (users, keys, roles, policies), revoke sessions it obtained (`AssumeRole`, `GetSessionToken`, ' +
    '`GetFederationToken` made with it), rotate the key, and remove it from wherever it leaked.',
  falsePositives: [
    'Sanctioned penetration tests and red-team exercises (set the rule to alert or dry-run for their duration).',
    'Your own secret scanning verifying a key it found: the key is still exposed, so acting is usually right.',
    'Engineers who run Kali or Parrot as their everyday workstation.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.STS.GetCallerIdentity.TruffleHog'],
    sigma: ['PUA - AWS TruffleHog Execution', 'AWS STS GetCallerIdentity Enumeration Via TruffleHog'],
  },
};
