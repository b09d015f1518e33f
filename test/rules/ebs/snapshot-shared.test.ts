import { describe, expect, it } from 'vitest';
import { rule, snapshotShareTargets } from '../../../lambdas/rules/ebs/snapshot-shared';
import { counts, loadFixture } from '../support';

const ID = 'ebs.snapshot-shared';

describe('ebs.snapshot-shared', () => {
  it('plans to unshare exactly the targets the event added', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'shared-with-unknown-account');
    event.requestParameters = {
      snapshotId: 'snap-041993b54a9b3af6f',
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: {
        add: { items: [{ userId: '098797384747' }, { group: 'all' }, { userId: '111122223333' }] },
      },
    };

    // Act
    const plan = rule.remediation?.(event) ?? [];

    // Assess
    expect(snapshotShareTargets(event)).toEqual(['all', '098797384747']);
    expect(plan).toEqual([
      expect.objectContaining({
        action: 'ec2.unshare-snapshot',
        params: { snapshotId: 'snap-041993b54a9b3af6f', region: 'eu-west-1', sharedWith: 'all,098797384747' },
      }),
    ]);
    expect(rule.summarize(event)).toBe(
      'IAM user alice shared EBS snapshot "snap-041993b54a9b3af6f" publicly and with account 098797384747 from 198.51.100.23.',
    );
  });

  it('plans nothing for an identifier or region the remediator would refuse', () => {
    // Prepare: the Stratus detonation's anonymised region is not a real region name.
    const event = loadFixture(ID, 'positive', 'made-public');
    const badRegion = { ...event, awsRegion: 'me-central-3r' };
    const badId = { ...event, requestParameters: { ...event.requestParameters, snapshotId: 'snap-ZZ;rm' } };

    // Assess
    expect(counts(rule, badRegion)).toBe(true);
    expect(rule.remediation?.(badRegion)).toEqual([]);
    expect(rule.remediation?.(badId)).toEqual([]);
  });

  it('ignores a request that shares and unshares only the own account', () => {
    const event = loadFixture(ID, 'negative', 'shared-with-own-account');
    expect(snapshotShareTargets(event)).toEqual([]);
    expect(rule.defaultMode).toBe('alert');
  });
});
