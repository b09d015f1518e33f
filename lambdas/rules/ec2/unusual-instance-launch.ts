import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, clean, field, fromSource, inRegion, items, noRemediation, str } from '../helpers';

/** GPU, machine-learning accelerator and FPGA families: what crypto-miners and model abusers launch. */
const ACCELERATED_FAMILY = /^(p\d|g\d|gr\d|inf\d|trn\d|dl\d|f\d|vt\d)[a-z0-9-]*$/;
/** Sizes this large or bare metal cost tens of dollars an hour each. */
export const LARGE_SIZE_XLARGE = 24;
/** Instances requested in one call above which a launch is unusual whatever the type. */
export const UNUSUAL_COUNT = 20;

/** `requestParameters.instanceType`, logged as a string or as `{value: "..."}`. */
export function instanceType(event: CloudTrailRecord): string | undefined {
  const raw = field(event, 'requestParameters', 'instanceType');
  const value = str(raw) ?? str(field(raw, 'value'));
  return value === undefined || value.length > 64 ? undefined : value.trim().toLowerCase();
}

/** Why an instance type is unusual, or `undefined`. */
export function unusualType(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const [family = '', size = ''] = type.split('.', 2);
  if (ACCELERATED_FAMILY.test(family)) return 'a GPU or accelerator type';
  if (size.startsWith('metal')) return 'a bare-metal type';
  const xl = /^(\d+)xlarge$/.exec(size);
  if (xl !== null && Number(xl[1]) >= LARGE_SIZE_XLARGE) return 'a very large type';
  return undefined;
}

/** The most instances the request asks for (`instancesSet.items[].maxCount`, else `minCount`). */
export function requestedCount(event: CloudTrailRecord): number {
  let most = 0;
  for (const item of items(field(event, 'requestParameters', 'instancesSet'))) {
    for (const key of ['maxCount', 'minCount']) {
      const raw = field(item, key);
      const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw;
      if (typeof n === 'number' && Number.isFinite(n) && n > most) most = n;
    }
  }
  return most;
}

export function isUnusualLaunch(event: CloudTrailRecord): boolean {
  return unusualType(instanceType(event)) !== undefined || requestedCount(event) >= UNUSUAL_COUNT;
}

export const rule: Rule = {
  id: 'ec2.unusual-instance-launch',
  title: 'Unusual EC2 instances launched or attempted',
  description:
    'A `RunInstances` call, successful or not, for a GPU, machine-learning accelerator or FPGA type (families ' +
    `p, g, gr, inf, trn, dl, f, vt), a bare-metal or ${LARGE_SIZE_XLARGE}xlarge-and-up size, or ` +
    `${UNUSUAL_COUNT} or more instances at once. These are what attackers launch with stolen credentials to mine ` +
    'crypto-currency or run models at the victim’s cost; denied and dry-run attempts count because the attempt ' +
    'shows the intent and the Stratus technique is exactly such an attempt. Launches by Auto Scaling count too ' +
    '(an attacker can create the group). Types set only in a launch template are not visible in the event and ' +
    'are not judged.',
  severity: 'medium',
  attack: ['T1496'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['RunInstances'],
  },
  predicate: isUnusualLaunch,
  summarize: (event) => {
    const type = instanceType(event);
    const why = unusualType(type);
    const count = requestedCount(event);
    const what = `${count > 0 ? `${count} ` : ''}EC2 instance${count === 1 ? '' : 's'} of type ${clean(type, 64) ?? 'unknown'}`;
    const attempt =
      typeof event.errorCode === 'string'
        ? `tried to launch (refused: ${clean(event.errorCode, 64)})`
        : 'launched';
    return `${actorLabel(event)} ${attempt} ${what}${why === undefined ? '' : `, ${why}`}${inRegion(event)}${fromSource(event)}.`;
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone launched, or tried to launch, compute that is expensive and rarely needed. Ask whether a team runs ' +
    'GPU or large workloads in this account and region. If not: find the instances (`describe-instances` with ' +
    'the finding’s instance type, or the response’s instance ids), stop them, snapshot one for forensics and ' +
    'terminate the rest; check the region for other resources the principal created (spot requests, launch ' +
    'templates, Auto Scaling groups) and the bill. Treat the principal as compromised and rotate its ' +
    'credentials; a denied attempt still means its credentials are in someone’s hands. Limit instance types ' +
    'with an SCP on `ec2:InstanceType`. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Machine-learning, rendering or HPC teams launching GPU or large instances (and their Auto Scaling groups).',
    'Load tests or batch jobs launching many instances in one call.',
  ],
  stratus: ['aws.execution.ec2-launch-unusual-instances'],
  references: { panther: ['AWS.EC2.LaunchUnusualEC2Instances'], sigma: [] },
};
