import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  field,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

function listName(event: CloudTrailRecord): string {
  return quoted(requestString(event, 'name') ?? requestString(event, 'ipSetId'));
}

export const rule: Rule = {
  id: 'guardduty.trusted-ip-list-changed',
  title: 'GuardDuty trusted IP list created or changed',
  description:
    'A successful `CreateIPSet` or `UpdateIPSet` in GuardDuty. GuardDuty raises no findings for traffic from the ' +
    'addresses of an active trusted IP list, so adding an attacker’s addresses (or pointing the list at a file ' +
    'the attacker controls) silences detection of everything they do from there. Differs from Panther on ' +
    'purpose: AWS.IPSet.Modified’s two positive test events spell their fields in lower case (`eventname`, ' +
    '`eventsource`), which CloudTrail never emits; EventBridge patterns are case-sensitive, so they do not match.',
  severity: 'high',
  attack: ['T1562.001'],
  match: {
    eventSource: ['guardduty.amazonaws.com'],
    eventName: ['CreateIPSet', 'UpdateIPSet'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => {
    const active = boolOf(field(event, 'requestParameters', 'activate')) === true ? ' and activated it' : '';
    const location = requestString(event, 'location');
    return (
      `${actorLabel(event)} ${event.eventName === 'CreateIPSet' ? 'created' : 'updated'} GuardDuty trusted IP list ` +
      `${listName(event)}${location === undefined ? '' : ` from ${quoted(location)}`}${active}${inRegion(event)}` +
      `${fromSource(event)}.`
    );
  },
  remediation: (event) => quarantineActor(event, 'it changed the addresses GuardDuty trusts'),
  defaultMode: 'alert',
  runbook:
    'Traffic from a trusted IP list never produces GuardDuty findings. Read the list the request points at ' +
    '(`location`, an S3 object) and compare it with the networks you really trust: your offices, VPN egress and ' +
    'scanners. An address you do not recognise, a list in a bucket outside your accounts, or a change nobody ' +
    'planned means someone is hiding their traffic. Investigate what the same principal did before (GuardDuty ' +
    'findings already raised against those addresses) and after. Respond: deactivate or delete the list ' +
    '(`update-ip-set --no-activate` / `delete-ip-set`), restore it from infrastructure-as-code, and treat the ' +
    'principal as compromised if the change was not planned (TrailGuard quarantines it in `enforce` mode). ' +
    'Manage GuardDuty from a delegated administrator so member accounts cannot change it.',
  falsePositives: [
    'The security team adding office, VPN or vulnerability-scanner ranges to the trusted list.',
    'Infrastructure-as-code refreshing the list file location on every deployment.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.IPSet.Modified'],
    sigma: ['AWS GuardDuty Important Change'],
    disagreements: [
      {
        panther: 'AWS.IPSet.Modified',
        test: 'CreateIPSet Event',
        reason:
          'the test event spells its fields in lower case (eventname, eventsource), which CloudTrail never does',
      },
      {
        panther: 'AWS.IPSet.Modified',
        test: 'UpdateIPSet',
        reason:
          'the test event spells its fields in lower case (eventname, eventsource), which CloudTrail never does',
      },
    ],
  },
};
