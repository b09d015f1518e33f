import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, RemediationStep, Rule } from '../../engine/types';
import {
  actorLabel,
  addedShareTargets,
  describeShareTargets,
  fromSource,
  quoted,
  regionOf,
  requestString,
  unshareImageSteps,
} from '../helpers';

/**
 * Who a `ModifyImageAttribute` request newly lets launch the image, beyond its own account: `all` for
 * `{group: "all"}` (public) and other accounts' ids for `{userId}`, from
 * `requestParameters.launchPermission.add.items`. Organization and OU shares (`organizationArn`,
 * `organizationalUnitArn`) are not counted: they almost always name the caller's own organization, which one
 * event cannot confirm. Other attributes (`description`, `productCodes`, ...) and removals are ignored.
 */
export function imageShareTargets(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): string[] {
  return addedShareTargets(event, 'launchPermission', context);
}

function unshareStep(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): RemediationStep[] {
  const imageId = requestString(event, 'imageId');
  const region = regionOf(event);
  if (imageId === undefined || region === undefined) return [];
  return unshareImageSteps(imageId, region, imageShareTargets(event, context));
}

export const rule: Rule = {
  id: 'ec2.ami-shared',
  title: 'AMI shared publicly or with another account',
  description:
    'A successful `ModifyImageAttribute` adding launch permission for everyone (`group: all`) or for an account ' +
    'other than the image’s own. Whoever it is shared with can launch the image, or copy it, and read everything ' +
    'baked into it: software, configuration, keys and data on its snapshots. Every account other than the ' +
    'event’s own and those listed in `context/trusted-accounts` counts, since one event cannot tell a partner ' +
    'from a stranger. Organization and OU ' +
    'shares, other attributes and removals are not counted.',
  severity: 'high',
  attack: ['T1537'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['ModifyImageAttribute'],
    errorCode: [{ exists: false }],
  },
  predicate: (event, context) => imageShareTargets(event, context).length > 0,
  summarize: (event, context) =>
    `${actorLabel(event)} shared AMI ${quoted(requestString(event, 'imageId'))} ` +
    `${describeShareTargets(imageShareTargets(event, context))}${fromSource(event)}.`,
  remediation: unshareStep,
  defaultMode: 'alert',
  runbook:
    'The image, and the snapshots behind it, can now be launched or copied outside your account. Check who it is ' +
    'shared with: public images and unknown accounts are the concern; golden-image pipelines share with the ' +
    'organization’s own workload accounts all the time. Find what the image was built from (its source ' +
    'instance, tags, creation event) and whether it may contain secrets. Respond: remove the share (in `enforce` ' +
    'mode TrailGuard removes exactly the shares this event added, and undo restores them), rotate any secret ' +
    'baked into the image, and review the principal’s other actions (`CreateImage` just before is the ' +
    'exfiltration pattern). Turn on AMI Block Public Access to stop public shares account-wide.',
  falsePositives: [
    'Golden-image pipelines sharing AMIs with the organization’s workload accounts by account id: list them in ' +
      '`context/trusted-accounts`.',
    'Marketplace sellers or partners who publish images on purpose.',
  ],
  stratus: ['aws.exfiltration.ec2-share-ami'],
  references: { panther: ['AWS.CloudTrail.AMIModifiedForPublicAccess'], sigma: [] },
};
