import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../../lambdas/engine/state/memory';
import type { CloudTrailRecord } from '../../../lambdas/engine/types';
import { rule as batchBurst } from '../../../lambdas/rules/secretsmanager/batch-retrieval-burst';
import {
  rule as retrieveAll,
  selectsEverything,
} from '../../../lambdas/rules/secretsmanager/batch-retrieve-all';
import {
  outsiders,
  rule as resourcePolicy,
} from '../../../lambdas/rules/secretsmanager/resource-policy-opened';
import { rule as burst } from '../../../lambdas/rules/secretsmanager/secret-retrieval-burst';
import { loadFixture } from '../support';

const withFilters = (filters: unknown, extra: Record<string, unknown> = {}): CloudTrailRecord => ({
  ...loadFixture('secretsmanager.batch-retrieve-all', 'positive', 'negated-tag-key'),
  requestParameters: { filters, ...extra },
});

describe('secretsmanager.secret-retrieval-burst', () => {
  it('raises one finding when the tenth read by one principal lands within ten minutes', async () => {
    // Prepare
    const engine = new DetectionEngine([burst], { state: new InMemoryStateStore() });
    const base = loadFixture('secretsmanager.secret-retrieval-burst', 'positive', 'user-reads-secret');
    const reads = Array.from({ length: 12 }, (_, i) => ({
      ...structuredClone(base),
      eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      eventTime: new Date(Date.parse('2025-03-11T08:00:00Z') + i * 30_000).toISOString(),
    }));

    // Act
    const found = [];
    for (const read of reads) {
      const { findings } = await engine.analyze(read);
      await engine.markEmitted(findings);
      found.push(...findings);
    }

    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.eventIds).toEqual([reads[9]?.eventID]);
    expect(found[0]?.threshold).toMatchObject({
      groupKey: 'arn:aws:iam::111122223333:user/alice',
      count: 10,
    });
  });

  it('shows the secret name without the ARN around it', () => {
    expect(
      burst.summarize(loadFixture('secretsmanager.secret-retrieval-burst', 'positive', 'user-reads-secret')),
    ).toBe('IAM user alice retrieved secret "prod/db/password-AbC123" from 45.148.10.22.');
  });

  it('counts records that name no principal under one unknown-principal group', () => {
    // Prepare
    const event = loadFixture('secretsmanager.batch-retrieval-burst', 'positive', 'batch-by-tag');
    delete event.userIdentity;

    // Assess
    expect(batchBurst.threshold?.groupBy(event)).toBe('unknown principal');
  });
});

describe('secretsmanager.batch-retrieve-all', () => {
  it('needs every filter value to be a negation and no secret list', () => {
    expect(
      selectsEverything(
        withFilters([
          { key: 'tag-key', values: ['!x'] },
          { key: 'name', values: ['!y', '!z'] },
        ]),
      ),
    ).toBe(true);
    expect(selectsEverything(withFilters([{ key: 'tag-key', values: ['!x', 'team'] }]))).toBe(false);
    expect(selectsEverything(withFilters([{ key: 'tag-key', values: [] }]))).toBe(false);
    expect(
      selectsEverything(withFilters([{ key: 'tag-key', values: ['!x'] }], { secretIdList: ['a'] })),
    ).toBe(false);
    expect(selectsEverything(withFilters([]))).toBe(false);
    expect(selectsEverything(withFilters('!x'))).toBe(false);
  });

  it('plans to revoke the role’s sessions for a role and to deactivate the key for a user', () => {
    expect(
      retrieveAll
        .remediation?.(loadFixture('secretsmanager.batch-retrieve-all', 'positive', 'negated-name-denied'))
        .map((s) => s.action),
    ).toEqual(['iam.revoke-role-sessions']);
    expect(
      retrieveAll
        .remediation?.(loadFixture('secretsmanager.batch-retrieve-all', 'positive', 'negated-tag-key'))
        .map((s) => s.action),
    ).toEqual(['iam.disable-access-key']);
  });
});

describe('secretsmanager.resource-policy-opened', () => {
  it('names anyone and outside accounts, never the own account', () => {
    // Prepare
    const event = loadFixture('secretsmanager.resource-policy-opened', 'positive', 'external-account-role');
    event.requestParameters = {
      secretId: 'x',
      resourcePolicy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: ['111122223333', '444455556666'] },
            Action: '*',
            Resource: '*',
          },
          { Effect: 'Allow', NotPrincipal: { AWS: '111122223333' }, Action: '*', Resource: '*' },
        ],
      }),
    };

    // Assess
    expect(outsiders(event)).toEqual(['anyone', 'account 444455556666']);
    expect(resourcePolicy.summarize(event)).toBe(
      'Role DeployRole (session ci-4711) let anyone, account 444455556666 read secret "x" from 185.220.101.34.',
    );
  });
});
