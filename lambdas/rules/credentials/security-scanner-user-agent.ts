import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, fromSource, noRemediation, principalGroup, stringAt, userAgentOf } from '../helpers';

/**
 * Cloud security posture scanners, as they identify themselves:
 * - ScoutSuite: `Scout Suite/<version>` (older) or `Scout-Suite/<version>` in the user agent;
 * - Prowler: its AWS Partner Network id `APN_1826889` in the user agent, and role sessions it opens itself are
 *   named `ProwlerAssessmentSession`.
 */
export function scanner(event: CloudTrailRecord): string | undefined {
  const agent = userAgentOf(event);
  if (/scout[ -]?suite/i.test(agent)) return 'ScoutSuite';
  if (/APN_1826889|prowler/i.test(agent)) return 'Prowler';
  if (/\/ProwlerAssessmentSession$/.test(stringAt(event, 'userIdentity', 'arn') ?? '')) return 'Prowler';
  return undefined;
}

export const rule: Rule = {
  id: 'credentials.security-scanner-user-agent',
  title: 'Cloud security scanner run against the account',
  description:
    'API calls from a cloud security posture scanner (ScoutSuite, Prowler), recognised by the user agent they set ' +
    'or by Prowler’s own role session name, counted per principal so that one scan (thousands of read-only ' +
    'calls) raises one finding per window instead of thousands. These tools are often sanctioned, and attackers ' +
    'run them too, to map an account they entered: the finding asks whether this scan was expected. The user ' +
    'agent is chosen by the caller. Scanner calls are read-only: they reach EventBridge only when the stack ' +
    'forwards all management events (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or through the poller.',
  severity: 'low',
  attack: ['T1526', 'T1580', 'T1087.004'],
  match: {
    $or: [
      {
        userAgent: [
          { wildcard: '*Scout Suite*' },
          { wildcard: '*Scout-Suite*' },
          { wildcard: '*ScoutSuite*' },
          { wildcard: '*APN_1826889*' },
          { wildcard: '*prowler*' },
          { wildcard: '*Prowler*' },
        ],
      },
      { userIdentity: { arn: [{ suffix: '/ProwlerAssessmentSession' }] } },
    ],
  },
  predicate: (event) => scanner(event) !== undefined,
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: principalGroup,
    count: 20,
    windowSeconds: 3600,
  },
  summarize: (event) =>
    `${actorLabel(event)} is scanning the account with ${scanner(event) ?? 'a security scanner'}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A security scanner is reading the account’s configuration. Ask the security or compliance team whether a ' +
    'scan was scheduled from this principal and address. If yes, nothing to do (consider dry-run for the ' +
    'scanner’s role, or accept one low finding per scan). If not, treat it as reconnaissance with a stolen ' +
    'credential: the scanner’s report gives the attacker a map of misconfigurations. Check how the principal ' +
    'was obtained (source address, user agent, the `AssumeRole` or key behind it), what else it did besides ' +
    'reading, and contain it (quarantine the user or revoke the role’s sessions).',
  falsePositives: [
    'Scheduled compliance scans with Prowler or ScoutSuite (the usual case).',
    'Security vendors’ assessments under a contract.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
