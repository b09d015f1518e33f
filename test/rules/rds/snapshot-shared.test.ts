import { describe, expect, it } from 'vitest';
import { dbSnapshotShareTargets, rule } from '../../../lambdas/rules/rds/snapshot-shared';
import { counts, loadFixture } from '../support';

const ID = 'rds.snapshot-shared';

describe('rds.snapshot-shared', () => {
  it('plans to unshare a cluster snapshot as a cluster snapshot', () => {
    const event = loadFixture(ID, 'positive', 'cluster-snapshot-made-public');
    expect(rule.remediation?.(event)).toEqual([
      expect.objectContaining({
        action: 'rds.unshare-snapshot',
        params: {
          snapshotIdentifier: 'aurora-prod-final',
          snapshotType: 'cluster',
          region: 'eu-west-1',
          sharedWith: 'all',
        },
      }),
    ]);
  });

  it('plans to unshare an instance snapshot from the unknown account', () => {
    const event = loadFixture(ID, 'positive', 'shared-with-unknown-account');
    expect(rule.remediation?.(event).map((s) => s.params)).toEqual([
      {
        snapshotIdentifier: 'orders-db-2025-03-11',
        snapshotType: 'instance',
        region: 'eu-west-1',
        sharedWith: '503161813013',
      },
    ]);
  });

  it('only reads the restore attribute and only counts other accounts', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'shared-with-unknown-account');
    const other = { ...event, requestParameters: { ...event.requestParameters, attributeName: 'tags' } };
    const empty = { ...event, requestParameters: { ...event.requestParameters, valuesToAdd: [] } };

    // Assess
    expect(dbSnapshotShareTargets(other)).toEqual([]);
    expect(counts(rule, empty)).toBe(false);
  });
});
