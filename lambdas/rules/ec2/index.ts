import type { Rule } from '../../engine/types';
import { rule as amiShared } from './ami-shared';
import { rule as instanceConnectFanOut } from './instance-connect-fan-out';
import { rule as passwordDataBurst } from './password-data-burst';
import { rule as securityGroupOpenToWorld } from './security-group-open-to-world';
import { rule as securityGroupWebPortOpenToWorld } from './security-group-web-port-open-to-world';
import { rule as serialConsoleAccess } from './serial-console-access';
import { rule as trafficMirroringChanged } from './traffic-mirroring-changed';
import { rule as unusualInstanceLaunch } from './unusual-instance-launch';
import { rule as userDataDownloadBurst } from './user-data-download-burst';
import { rule as userDataModified } from './user-data-modified';

/** The `ec2.*` rules. */
export const rules: readonly Rule[] = [
  amiShared,
  instanceConnectFanOut,
  passwordDataBurst,
  securityGroupOpenToWorld,
  securityGroupWebPortOpenToWorld,
  serialConsoleAccess,
  trafficMirroringChanged,
  unusualInstanceLaunch,
  userDataDownloadBurst,
  userDataModified,
];
