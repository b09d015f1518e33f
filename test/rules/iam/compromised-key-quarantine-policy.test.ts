import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/iam/compromised-key-quarantine-policy';
import { counts, loadFixture } from '../support';

const ID = 'iam.compromised-key-quarantine-policy';

describe('iam.compromised-key-quarantine-policy', () => {
  it.each([
    'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine',
    'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2',
    'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
    'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV4',
    'arn:aws-cn:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
  ])('counts %s', (policyArn) => {
    const event = loadFixture(ID, 'positive', 'aws-attaches-quarantine-v3');
    event.requestParameters = { userName: 'svc-reporting', policyArn };
    expect(counts(rule, event)).toBe(true);
  });

  it('quarantines the user named in the request, not the actor', () => {
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'aws-attaches-quarantine-v3'));
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'user',
          principalName: 'svc-reporting',
          principalArn: 'arn:aws:iam::111122223333:user/svc-reporting',
        },
      ],
    ]);
  });

  it('plans nothing when the user name is not a valid IAM name', () => {
    const event = loadFixture(ID, 'positive', 'aws-attaches-quarantine-v3');
    event.requestParameters = {
      userName: 'svc/../admin',
      policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
    };
    expect(rule.remediation?.(event)).toEqual([]);
  });
});
