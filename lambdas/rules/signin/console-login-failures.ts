import type { Rule } from '../../engine/types';
import {
  attemptedUserName,
  clean,
  FAILED_CONSOLE_LOGIN,
  fromSource,
  inAccount,
  noRemediation,
  sourceIpKey,
} from '../helpers';

export const rule: Rule = {
  id: 'signin.console-login-failures',
  title: 'Repeated failed console sign-ins from one address',
  description:
    'Failed AWS console password sign-ins (`ConsoleLogin: Failure`) counted per source IP address: many failures ' +
    'from one address in a short window is password guessing or spraying across users. Each failed sign-in ' +
    'counts, including attempts on user names that do not exist and on root. An event without a source address is ' +
    'not counted (there is no group to count it in); Panther AWS.CloudTrail.PasswordSpraying’s synthetic test ' +
    'events have none, which is the only place it disagrees with this rule.',
  severity: 'medium',
  attack: ['T1110.001', 'T1110.003'],
  match: FAILED_CONSOLE_LOGIN,
  threshold: {
    groupByLabel: 'source IP address',
    groupBy: sourceIpKey,
    count: 5,
    windowSeconds: 300,
  },
  summarize: (event) =>
    `Console sign-in as ${clean(attemptedUserName(event)) ?? 'an unknown or hidden user'} failed${inAccount(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'One address is failing console sign-ins repeatedly. Look at the user names it tried (the finding’s events, ' +
    'or CloudTrail `ConsoleLogin` events from that IP): many names with a few tries each is password spraying; one ' +
    'name with many tries is guessing. Check whether the same address ever succeeded (`ConsoleLogin: Success`) ' +
    'and, if it did, treat that user as compromised: reset the password, deactivate access keys and review the ' +
    'session. Check where the address is (corporate egress, VPN, cloud host, anonymiser). Respond by blocking the ' +
    'address at the edge you control, making sure every targeted user has MFA, and enforcing a strong password ' +
    'policy; if real users are targeted by name, their names have leaked.',
  falsePositives: [
    'A corporate NAT or VPN egress shared by many people who mistype passwords.',
    'Password managers or scripts retrying an out-of-date password.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.CloudTrail.PasswordSpraying'],
    sigma: ['AWS ConsoleLogin Failed Authentication'],
    disagreements: [
      {
        panther: 'AWS.CloudTrail.PasswordSpraying',
        test: 'Failed Console Login',
        reason: 'the synthetic event has no sourceIPAddress, so there is no address to count it under',
      },
      {
        panther: 'AWS.CloudTrail.PasswordSpraying',
        test: 'Failed Console Login - Root User',
        reason: 'the synthetic event has no sourceIPAddress, so there is no address to count it under',
      },
    ],
  },
};
