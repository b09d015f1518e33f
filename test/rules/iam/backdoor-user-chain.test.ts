import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Finding } from '../../../lambdas/engine/types';
import { rule } from '../../../lambdas/rules/iam/backdoor-user-chain';
import { loadFixture } from '../support';

const ID = 'iam.backdoor-user-chain';

const createUser = () => loadFixture(ID, 'negative', 'create-user-alone');
const createKey = () => loadFixture(ID, 'positive', 'access-key-for-new-user');

/** A copy of `event` with a fresh event id (the engine counts each event id once). */
function again(
  event: CloudTrailRecord,
  id: string,
  changes: Partial<CloudTrailRecord> = {},
): CloudTrailRecord {
  return {
    ...structuredClone(event),
    eventID: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
    ...changes,
  };
}

async function run(events: CloudTrailRecord[]): Promise<Finding[]> {
  const engine = new DetectionEngine([rule], { state: new InMemoryStateStore() });
  const found: Finding[] = [];
  for (const event of events) {
    const { findings, errors } = await engine.analyze(event);
    expect(errors).toEqual([]);
    await engine.markEmitted(findings);
    found.push(...findings);
  }
  return found;
}

describe('iam.backdoor-user-chain', () => {
  it('fires when the same principal creates a user and then a key for it', async () => {
    // Act
    const found = await run([createUser(), createKey()]);

    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.sequence?.firstLabel).toBe('CreateUser');
    expect(found[0]?.summary).toBe(
      'IAM user ci-deployer created an access key for new IAM user "svc-backup" it had just created from 185.220.101.34.',
    );
  });

  it('compares user names case-insensitively and fires in either arrival order', async () => {
    // Prepare
    const key = createKey();
    key.requestParameters = { userName: 'SVC-Backup' };

    // Act
    const found = await run([key, createUser()]);

    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.summary).toContain('created IAM user "svc-backup", which it had already armed');
  });

  it('does not fire when another principal arms the user, or the user is a different one', async () => {
    // Prepare
    const otherActor = createKey();
    if (otherActor.userIdentity) otherActor.userIdentity.arn = 'arn:aws:iam::111122223333:user/helpdesk';
    const otherUser = again(createKey(), '2', { requestParameters: { userName: 'svc-reports' } });

    // Act / Assess
    expect(await run([createUser(), otherActor, otherUser])).toEqual([]);
  });

  it('does not fire when the user only gets a harmless policy, or after the hour', async () => {
    // Prepare
    const late = again(createKey(), '3', { eventTime: '2025-03-11T09:40:00Z' });

    // Act / Assess
    expect(await run([createUser(), loadFixture(ID, 'negative', 'read-only-policy-attached')])).toEqual([]);
    expect(await run([createUser(), late])).toEqual([]);
  });

  it('does not link steps an AWS service principal made', async () => {
    // Prepare
    const service = { type: 'AWSService', invokedBy: 'iam.amazonaws.com' };
    const user = again(createUser(), '4', { userIdentity: service });
    const key = again(createKey(), '5', { userIdentity: service });

    // Act / Assess
    expect(await run([user, key])).toEqual([]);
  });

  it('quarantines the new user and deactivates the key that completed the chain', () => {
    expect(rule.remediation?.(createKey()).map((s) => [s.action, s.params])).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'user',
          principalName: 'svc-backup',
          principalArn: 'arn:aws:iam::111122223333:user/svc-backup',
        },
      ],
      ['iam.disable-access-key', { userName: 'svc-backup', accessKeyId: 'AKIAQ3EGUXBZBKDR9F2M' }],
    ]);
  });

  it('only quarantines the user when CreateUser completes the chain', () => {
    expect(rule.remediation?.(createUser()).map((s) => s.action)).toEqual(['iam.quarantine-principal']);
  });
});
