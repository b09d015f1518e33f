import { describe, expect, it } from 'vitest';
import { rule as backupDeleted, destroysBackups } from '../../../lambdas/rules/rds/backup-deleted';
import { rule as databaseDeleted } from '../../../lambdas/rules/rds/database-deleted';
import { rule as madePublic, makesPublic } from '../../../lambdas/rules/rds/instance-made-public';
import { counts, loadFixture } from '../support';

describe('rds.instance-made-public', () => {
  const ID = 'rds.instance-made-public';

  it('counts neither an unrelated change to an already-public database nor a creation public by default', () => {
    // Prepare: the response of any modification of a public database says publiclyAccessible: true.
    const modify = loadFixture(ID, 'positive', 'instance-modified-public');
    modify.requestParameters = { dBInstanceIdentifier: 'orders-db', allocatedStorage: 500 };
    const create = loadFixture(ID, 'negative', 'created-public-by-default');

    // Assess
    expect(modify.responseElements).toMatchObject({ publiclyAccessible: true });
    expect(makesPublic(modify)).toBe(false);
    expect(makesPublic(create)).toBe(false);
  });

  it('reads a flag logged as a string and summarizes the restore', () => {
    const event = loadFixture(ID, 'positive', 'snapshot-restored-public');
    event.responseElements = { publiclyAccessible: 'true' };
    expect(counts(madePublic, event)).toBe(true);
    expect(madePublic.summarize(event)).toBe(
      'IAM user alice restored RDS database "orders-copy" as publicly accessible from 198.51.100.23.',
    );
  });
});

describe('rds.backup-deleted', () => {
  it('counts retention 0 written as a string, not other retention values', () => {
    const event = loadFixture('rds.backup-deleted', 'negative', 'backup-retention-seven-days');
    event.requestParameters = { dBInstanceIdentifier: 'orders-db', backupRetentionPeriod: '0' };
    expect(destroysBackups(event)).toBe(true);
    event.requestParameters = { dBInstanceIdentifier: 'orders-db', backupRetentionPeriod: 1 };
    expect(counts(backupDeleted, event)).toBe(false);
  });
});

describe('rds.database-deleted', () => {
  it('says when a deletion skips the final snapshot and drops automated backups', () => {
    const event = loadFixture('rds.database-deleted', 'positive', 'cluster-deleted-without-final-snapshot');
    expect(databaseDeleted.summarize(event)).toBe(
      'Role app-backend (session i-0a1b2c3d4e5f60718) deleted RDS cluster "payments-aurora" without a final snapshot ' +
        'and its automated backups from 198.51.100.23.',
    );
  });
});
