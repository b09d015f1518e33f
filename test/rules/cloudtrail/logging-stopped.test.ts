import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/cloudtrail/logging-stopped';
import { loadFixture } from '../support';

const ID = 'cloudtrail.logging-stopped';

describe('cloudtrail.logging-stopped', () => {
  it('restarts the trail first, then quarantines the IAM user who stopped it', () => {
    // Act
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'iam-user-stops-trail-by-name'));

    // Assess
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      ['cloudtrail.start-logging', { trail: 'org-audit-trail', region: 'eu-west-1' }],
      [
        'iam.quarantine-principal',
        {
          principalType: 'user',
          principalName: 'build-bot',
          principalArn: 'arn:aws:iam::111122223333:user/build-bot',
        },
      ],
    ]);
  });

  it('takes the region from a trail ARN, where StartLogging must be called', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-stops-trail-by-arn');
    event.awsRegion = 'eu-central-1';

    // Act
    const plan = rule.remediation?.(event);

    // Assess
    expect(plan?.[0]?.params).toEqual({
      trail: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events',
      region: 'us-east-1',
    });
    expect(plan?.[1]?.params).toEqual({
      principalType: 'role',
      principalName: 'PlatformOperators',
      principalArn: 'arn:aws:iam::111122223333:role/PlatformOperators',
    });
  });

  it('restarts the trail but quarantines nobody when root stopped it', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'iam-user-stops-trail-by-name');
    event.userIdentity = { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };

    // Assess
    expect(rule.remediation?.(event).map((s) => s.action)).toEqual(['cloudtrail.start-logging']);
  });

  it('plans nothing when an AWS service principal stopped the trail', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-stops-trail-by-name');
    event.userIdentity = { type: 'AWSService', invokedBy: 'controltower.amazonaws.com' };
    expect(rule.remediation?.(event)).toEqual([]);
  });

  it('still quarantines the actor when the trail name is missing', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-stops-trail-by-name');
    event.requestParameters = null;
    expect(rule.remediation?.(event).map((s) => s.action)).toEqual(['iam.quarantine-principal']);
  });

  it('defaults to enforce', () => {
    expect(rule.defaultMode).toBe('enforce');
    expect(rule.severity).toBe('critical');
  });
});
