import type { Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  identityType,
  inRegion,
  quarantineActor,
  quoted,
  requestString,
  startLoggingStep,
} from '../helpers';

export const rule: Rule = {
  id: 'cloudtrail.logging-stopped',
  title: 'CloudTrail logging stopped',
  description:
    'A successful `StopLogging` call turned a CloudTrail trail off. From that moment the trail records nothing, ' +
    'which is why attackers do it first. Failed calls are ignored.',
  severity: 'critical',
  attack: ['T1562.008'],
  match: {
    eventSource: ['cloudtrail.amazonaws.com'],
    eventName: ['StopLogging'],
    errorCode: [{ exists: false }],
  },
  summarize: (event) =>
    `${actorLabel(event)} stopped logging on CloudTrail trail ${quoted(requestString(event, 'name'))}` +
    `${inRegion(event)}${fromSource(event)}.`,
  /*
   * Restart the trail first, then quarantine the actor. Every second the trail is off is lost evidence, and
   * StartLogging is idempotent, reversible and does not depend on who the actor is; it also means the quarantine
   * itself, and anything the actor does in between, is recorded. If the quarantine is refused (a protected
   * break-glass principal) or fails, logging has still been restored. Should the actor stop the trail again
   * before the quarantine lands, that is a new event and a new finding.
   * Root is never quarantined, but its trail is still restarted. AWS service principals are left alone.
   */
  remediation: (event) => {
    if (identityType(event) === 'AWSService') return [];
    return [...startLoggingStep(event), ...quarantineActor(event, 'it stopped CloudTrail logging')];
  },
  defaultMode: 'enforce',
  runbook:
    'A trail that is not logging blinds every other detection that depends on it. TrailGuard restarts the trail ' +
    'and quarantines the principal in `enforce` mode; confirm the trail is logging again (`GetTrailStatus`, ' +
    '`IsLogging: true`) and that the quarantine was applied. Investigate: who stopped it (the finding’s ' +
    'principal, source IP, user agent), whether it was planned (change ticket, deployment pipeline), and what the ' +
    'same principal did just before and after. The gap in this trail can be partly filled from other sources: ' +
    'the CloudTrail event history (90 days of management events, kept regardless of trails), an organization ' +
    'trail, and other trails in the account. Respond: if not planned, treat the principal as compromised ' +
    '(rotate its credentials, review its recent actions), and protect trails with an SCP that denies ' +
    '`cloudtrail:StopLogging`, `DeleteTrail` and `UpdateTrail` outside a break-glass role.',
  falsePositives: [
    'Planned trail maintenance or decommissioning (infrastructure-as-code stack updates that set IsLogging false).',
    'Cost-saving scripts that stop secondary trails in sandbox accounts.',
  ],
  stratus: ['aws.defense-evasion.cloudtrail-stop'],
  references: {
    panther: ['AWS.CloudTrail.Stopped'],
    sigma: ['AWS CloudTrail Important Change'],
  },
};
