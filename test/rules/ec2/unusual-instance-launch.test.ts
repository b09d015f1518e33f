import { describe, expect, it } from 'vitest';
import {
  instanceType,
  requestedCount,
  rule,
  unusualType,
} from '../../../lambdas/rules/ec2/unusual-instance-launch';
import { counts, loadFixture } from '../support';

const ID = 'ec2.unusual-instance-launch';

describe('ec2.unusual-instance-launch', () => {
  it.each([
    'p2.xlarge',
    'p4d.24xlarge',
    'g4dn.xlarge',
    'gr6.4xlarge',
    'inf2.xlarge',
    'trn1.2xlarge',
    'dl1.24xlarge',
    'f1.2xlarge',
    'vt1.3xlarge',
    'c5.metal',
    'm7i.metal-48xl',
    'x2iedn.32xlarge',
    'r6i.24xlarge',
  ])('treats %s as unusual', (type) => {
    expect(unusualType(type)).toBeDefined();
  });

  it.each(['t3.micro', 'm5.12xlarge', 'c6i.16xlarge', 'r5.large', 'gx.large', ''])(
    'treats %s as usual',
    (type) => {
      expect(unusualType(type)).toBeUndefined();
    },
  );

  it('reads the type in both logged shapes and the largest count requested', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'metal-by-autoscaling');
    event.requestParameters = {
      instanceType: { value: 'P3.2XLARGE' },
      instancesSet: { items: [{ minCount: 1, maxCount: '30' }, { minCount: 2 }] },
    };

    // Assess
    expect(instanceType(event)).toBe('p3.2xlarge');
    expect(requestedCount(event)).toBe(30);
  });

  it('counts attempts that were refused and says so', () => {
    const event = loadFixture(ID, 'positive', 'gpu-launch-denied');
    expect(counts(rule, event)).toBe(true);
    expect(rule.summarize(event)).toBe(
      'Role app-backend (session i-0a1b2c3d4e5f60718) tried to launch (refused: Client.UnauthorizedOperation) 10 EC2 ' +
        'instances of type p4d.24xlarge, a GPU or accelerator type in eu-west-1 from 198.51.100.23.',
    );
  });
});
