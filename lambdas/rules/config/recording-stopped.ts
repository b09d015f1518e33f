import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

function whatHappened(event: CloudTrailRecord): string {
  const recorder = quoted(requestString(event, 'configurationRecorderName') ?? requestString(event, 'arn'));
  switch (event.eventName) {
    case 'StopConfigurationRecorder':
      return `stopped AWS Config recorder ${recorder}`;
    case 'DeleteConfigurationRecorder':
    case 'DeleteServiceLinkedConfigurationRecorder':
      return `deleted AWS Config recorder ${recorder}`;
    default:
      return `deleted AWS Config delivery channel ${quoted(requestString(event, 'deliveryChannelName'))}`;
  }
}

export const rule: Rule = {
  id: 'config.recording-stopped',
  title: 'AWS Config recording stopped or deleted',
  description:
    'A successful `StopConfigurationRecorder`, `DeleteConfigurationRecorder`, ' +
    '`DeleteServiceLinkedConfigurationRecorder` or `DeleteDeliveryChannel`. AWS Config is the account’s record of ' +
    'how resources were configured over time and the input of Config rules and Security Hub controls; without a ' +
    'recorder (or a delivery channel, without which the recorder cannot run) changes made from now on leave no ' +
    'configuration history and compliance checks go stale.',
  severity: 'high',
  attack: ['T1562.001', 'T1562.008'],
  match: {
    eventSource: ['config.amazonaws.com'],
    eventName: [
      'StopConfigurationRecorder',
      'DeleteConfigurationRecorder',
      'DeleteServiceLinkedConfigurationRecorder',
      'DeleteDeliveryChannel',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it turned AWS Config recording off'),
  defaultMode: 'alert',
  runbook:
    'Configuration history stops here. Confirm whether it was planned (region clean-up, a move to an organisation ' +
    'conformance pack or Control Tower re-deployment). If not, turn recording back on ' +
    '(`put-delivery-channel` if it was deleted, then `start-configuration-recorder`), and treat the principal as ' +
    'compromised: attackers stop Config just before changing security groups, IAM or encryption settings they do ' +
    'not want recorded. Review CloudTrail for what the same principal changed after this event, since Config will ' +
    'not have it. TrailGuard quarantines the principal in `enforce` mode. Prevent with an SCP denying ' +
    '`config:StopConfigurationRecorder`, `config:DeleteConfigurationRecorder` and `config:DeleteDeliveryChannel` ' +
    'outside a break-glass role (Control Tower sets one up).',
  falsePositives: [
    'Removing AWS Config from unused regions to save cost.',
    'Control Tower or infrastructure-as-code replacing the recorder or delivery channel during an update.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.ConfigService.DisabledDeleted'],
    sigma: ['AWS Config Disabling Channel/Recorder'],
  },
};
