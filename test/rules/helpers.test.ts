import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import {
  actorLabel,
  actorQuarantineTarget,
  actsOnAnotherUser,
  clean,
  disableActorAccessKey,
  field,
  partitionOf,
  startLoggingStep,
} from '../../lambdas/rules/helpers';

const ACCOUNT = '111122223333';

function withIdentity(userIdentity: unknown, extra: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventTime: '2025-03-11T08:14:52Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    eventID: '3f0c1d2e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
    recipientAccountId: ACCOUNT,
    userIdentity: userIdentity as CloudTrailRecord['userIdentity'],
    ...extra,
  };
}

function assumedRole(roleArn: string, roleName: string, session = 'jmiller'): unknown {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`,
    accessKeyId: 'ASIAQ3EGUXBZ2WJ5YH6C',
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, userName: roleName } },
  };
}

describe('field', () => {
  it('reads own properties only, never through the prototype chain', () => {
    expect(field({ a: { b: 1 } }, 'a', 'b')).toBe(1);
    expect(field({}, 'constructor')).toBeUndefined();
    expect(field({ a: [1] }, 'a', '0')).toBeUndefined();
    expect(field(null, 'a')).toBeUndefined();
  });
});

describe('clean', () => {
  it('removes line breaks, control and bidi-override characters from untrusted text', () => {
    expect(clean('evil\nSubject: x\u202ereversed\u0000')).toBe('evil Subject: x reversed');
  });

  it('truncates long text without splitting a surrogate pair', () => {
    // Prepare
    const text = `${'a'.repeat(126)}😀😀😀`;

    // Act
    const out = clean(text, 128);

    // Assess
    // The cap counts UTF-16 units; the emoji would end at unit 128, so it is dropped whole, never halved.
    expect(out).toBe(`${'a'.repeat(126)}…`);
    expect((out ?? '').length).toBeLessThanOrEqual(128);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('returns nothing for non-text and blank input', () => {
    expect(clean({})).toBeUndefined();
    expect(clean('   \n ')).toBeUndefined();
    expect(clean(42)).toBe('42');
  });
});

describe('actorLabel', () => {
  it('names IAM users, role sessions, root and services', () => {
    expect(actorLabel(withIdentity({ type: 'IAMUser', userName: 'alice' }))).toBe('IAM user alice');
    expect(actorLabel(withIdentity(assumedRole(`arn:aws:iam::${ACCOUNT}:role/Ops`, 'Ops')))).toBe(
      'Role Ops (session jmiller)',
    );
    expect(actorLabel(withIdentity({ type: 'Root' }))).toBe(`The root user in account ${ACCOUNT}`);
    expect(actorLabel(withIdentity({ type: 'AWSService', invokedBy: 'config.amazonaws.com' }))).toBe(
      'AWS service config.amazonaws.com',
    );
    expect(actorLabel(withIdentity(null))).toBe('An unknown principal');
  });
});

describe('actorQuarantineTarget', () => {
  it('targets the IAM user for an IAM user actor', () => {
    const event = withIdentity({
      type: 'IAMUser',
      userName: 'alice',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    });
    expect(actorQuarantineTarget(event)).toEqual({
      principalType: 'user',
      principalName: 'alice',
      principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    });
  });

  it('targets the session issuer role, keeping its path, for an assumed-role actor', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/platform/Ops`;
    expect(actorQuarantineTarget(withIdentity(assumedRole(arn, 'Ops')))).toEqual({
      principalType: 'role',
      principalName: 'Ops',
      principalArn: arn,
    });
  });

  it('targets the issuing IAM user for a GetFederationToken session', () => {
    const event = withIdentity({
      type: 'FederatedUser',
      arn: `arn:aws:sts::${ACCOUNT}:federated-user/contractor`,
      sessionContext: {
        sessionIssuer: { type: 'IAMUser', userName: 'bob', arn: `arn:aws:iam::${ACCOUNT}:user/bob` },
      },
    });
    expect(actorQuarantineTarget(event)?.principalName).toBe('bob');
  });

  it('plans nothing for service-linked and IAM Identity Center roles, which IAM will not modify', () => {
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`;
    const sso = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef`;
    expect(actorQuarantineTarget(withIdentity(assumedRole(slr, 'AWSServiceRoleForSupport')))).toBeUndefined();
    expect(
      actorQuarantineTarget(withIdentity(assumedRole(sso, 'AWSReservedSSO_Admin_0123456789abcdef'))),
    ).toBeUndefined();
  });

  it('plans nothing for root, AWS services, or identities whose name and ARN disagree', () => {
    expect(
      actorQuarantineTarget(withIdentity({ type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` })),
    ).toBeUndefined();
    expect(
      actorQuarantineTarget(withIdentity({ type: 'AWSService', invokedBy: 'ec2.amazonaws.com' })),
    ).toBeUndefined();
    const mismatched = withIdentity({
      type: 'IAMUser',
      userName: 'alice',
      arn: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    });
    expect(actorQuarantineTarget(mismatched)).toBeUndefined();
    const injected = withIdentity({
      type: 'IAMUser',
      userName: 'a/../b',
      arn: `arn:aws:iam::${ACCOUNT}:user/a/../b`,
    });
    expect(actorQuarantineTarget(injected)).toBeUndefined();
  });
});

describe('disableActorAccessKey', () => {
  it('deactivates a long-term AKIA key of an IAM user actor', () => {
    const event = withIdentity({ type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIAQ3EGUXBZ4TVMWK7N' });
    expect(disableActorAccessKey(event, 'why')).toEqual([
      expect.objectContaining({
        action: 'iam.disable-access-key',
        params: { userName: 'alice', accessKeyId: 'AKIAQ3EGUXBZ4TVMWK7N' },
      }),
    ]);
  });

  it('does nothing for temporary ASIA keys and for role sessions', () => {
    expect(
      disableActorAccessKey(
        withIdentity({ type: 'IAMUser', userName: 'alice', accessKeyId: 'ASIAQ3EGUXBZ2WJ5YH6C' }),
        'why',
      ),
    ).toEqual([]);
    expect(
      disableActorAccessKey(withIdentity(assumedRole(`arn:aws:iam::${ACCOUNT}:role/Ops`, 'Ops')), 'why'),
    ).toEqual([]);
  });
});

describe('actsOnAnotherUser', () => {
  it('compares IAM user names case-insensitively', () => {
    const base = { type: 'IAMUser', userName: 'alice' };
    expect(actsOnAnotherUser(withIdentity(base, { requestParameters: { userName: 'ALICE' } }))).toBe(false);
    expect(actsOnAnotherUser(withIdentity(base, { requestParameters: { userName: 'bob' } }))).toBe(true);
  });

  it('falls back to the user ARN when userName is missing, including users with a path', () => {
    const event = withIdentity(
      { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/engineering/alice` },
      { requestParameters: { userName: 'alice' } },
    );
    expect(actsOnAnotherUser(event)).toBe(false);
  });

  it('treats a role session as another user even when the session is named after the target', () => {
    const event = withIdentity(assumedRole(`arn:aws:iam::${ACCOUNT}:role/Helpdesk`, 'Helpdesk', 'bob'), {
      requestParameters: { userName: 'bob' },
    });
    expect(actsOnAnotherUser(event)).toBe(true);
  });

  it('is false when the request names no user or the actor is an AWS service', () => {
    expect(
      actsOnAnotherUser(withIdentity({ type: 'IAMUser', userName: 'alice' }, { requestParameters: null })),
    ).toBe(false);
    expect(
      actsOnAnotherUser(withIdentity({ type: 'AWSService' }, { requestParameters: { userName: 'bob' } })),
    ).toBe(false);
  });
});

describe('partitionOf', () => {
  it('reads the partition from the actor ARN, else from the region', () => {
    expect(partitionOf(withIdentity({ arn: 'arn:aws-us-gov:iam::444455556666:user/a' }))).toBe('aws-us-gov');
    expect(partitionOf(withIdentity({}, { awsRegion: 'cn-north-1' }))).toBe('aws-cn');
    expect(partitionOf(withIdentity({}, { awsRegion: 'eu-west-1' }))).toBe('aws');
  });
});

describe('startLoggingStep', () => {
  it('rejects trail names CloudTrail would never accept', () => {
    const event = withIdentity(
      {},
      { awsRegion: 'eu-west-1', requestParameters: { name: 'trail; rm -rf /' } },
    );
    expect(startLoggingStep(event)).toEqual([]);
  });
});
