import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  clean,
  field,
  fromSource,
  inRegion,
  isAwsServicePrincipal,
  lastArnSegment,
  noRemediation,
  quoted,
  requestString,
  responseString,
} from '../helpers';

const VERB: Record<string, string> = {
  CreateProfile: 'created IAM Roles Anywhere profile',
  UpdateProfile: 'changed IAM Roles Anywhere profile',
  EnableProfile: 'enabled IAM Roles Anywhere profile',
};

/** ` for roles "a", "b"` from `roleArns`, or ``. */
function roles(event: CloudTrailRecord): string {
  const names = asList(field(event, 'requestParameters', 'roleArns'))
    .map((arn) => clean(lastArnSegment(typeof arn === 'string' ? arn : undefined), 64))
    .filter((name): name is string => name !== undefined);
  if (names.length === 0) return '';
  const shown = names
    .slice(0, 3)
    .map((n) => `"${n}"`)
    .join(', ');
  return ` for role${names.length > 1 ? 's' : ''} ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
}

export const rule: Rule = {
  id: 'rolesanywhere.profile-changed',
  title: 'IAM Roles Anywhere profile created or changed',
  description:
    'An IAM Roles Anywhere profile was created, changed or enabled. A profile names the roles that workloads ' +
    'authenticated by a trust anchor’s certificates may assume; created next to a new trust anchor, or changed to ' +
    'add a privileged role, it completes a path into the account from outside AWS without AWS credentials ' +
    '(Stratus `rolesanywhere-create-trust-anchor` creates both). Calls by AWS service principals ' +
    'and failed calls are excluded.',
  severity: 'medium',
  attack: ['T1098', 'T1556'],
  match: {
    eventSource: ['rolesanywhere.amazonaws.com'],
    eventName: Object.keys(VERB),
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event),
  summarize: (event) => {
    const name = quoted(
      requestString(event, 'name') ??
        responseString(event, 'profile', 'name') ??
        requestString(event, 'profileId'),
    );
    return (
      `${actorLabel(event)} ${VERB[event.eventName] ?? `called ${clean(event.eventName, 64) ?? 'an action'} on`} ` +
      `${name}${roles(event)}${inRegion(event)}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A Roles Anywhere profile decides which roles certificate-holding workloads can assume. Confirm the change ' +
    'with the owner of the workloads that use Roles Anywhere. Investigate: the roles the profile maps to and what ' +
    'they can do, the trust anchors in the account (a recently created one is a red flag, see ' +
    '`rolesanywhere.trust-anchor-changed`), the profile’s session policies and duration, and `CreateSession` ' +
    'events since. Respond if not expected: disable the profile (`aws rolesanywhere disable-profile`) and the ' +
    'anchor, revoke sessions of the mapped roles, and review the actor.',
  falsePositives: ['Onboarding a new on-premises workload to IAM Roles Anywhere.'],
  stratus: ['aws.persistence.rolesanywhere-create-trust-anchor'],
  references: { panther: [], sigma: [] },
};
