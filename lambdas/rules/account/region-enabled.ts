import type { Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  inAccount,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 'account.region-enabled',
  title: 'Opt-in AWS region enabled',
  description:
    'A successful `EnableRegion` (AWS Account Management, event source `account.amazonaws.com`). Opt-in regions ' +
    'are off by default; enabling one gives an attacker a place to run instances, models or backdoors where ' +
    'detection, logging and SCP coverage were never set up. Differs from Panther on purpose: ' +
    'AWS.CloudTrail.EnableRegion’s positive test event names `cloudtrail.amazonaws.com` as its source, but ' +
    'EnableRegion is an Account Management call and the pattern pins its real source.',
  severity: 'medium',
  attack: ['T1535'],
  match: {
    eventSource: ['account.amazonaws.com'],
    eventName: ['EnableRegion'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} enabled region ${quoted(requestString(event, 'RegionName') ?? requestString(event, 'regionName'))}` +
    `${inAccount(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A region that was off is now usable. Ask the account owner whether a workload is moving there. If not: ' +
    'check what has already been created in it (`describe-instances`, `list-functions`, Bedrock calls with ' +
    '`--region`), make sure CloudTrail (multi-region), GuardDuty and Config cover it, and disable it again ' +
    '(`aws account disable-region`) once it is empty. Review the principal’s other actions; an unexpected region ' +
    'is a classic hiding place for crypto-mining. Prevent with an SCP restricting `aws:RequestedRegion` to the ' +
    'regions in use and denying `account:EnableRegion`. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Platform teams enabling a region for a planned expansion.',
    'Account vending pipelines enabling a standard set of regions in new accounts.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.CloudTrail.EnableRegion'],
    sigma: ['AWS EnableRegion Command Monitoring'],
    disagreements: [
      {
        panther: 'AWS.CloudTrail.EnableRegion',
        test: 'EnableRegion',
        reason:
          'the test event names cloudtrail.amazonaws.com as source; EnableRegion is logged by account.amazonaws.com',
      },
    ],
  },
};
