import { describe, expect, it } from 'vitest';
import {
  CredentialReportFormatError,
  parseCredentialReport,
  parseCsv,
} from '../../lambdas/posture/credential-report';
import { fixtureText } from './support';

describe('parseCredentialReport', () => {
  it('reads every column the checks use when given a report in the AWS format', () => {
    // Prepare
    const text = fixtureText('credential-report.csv');
    // Act
    const report = parseCredentialReport(text);
    // Assess
    expect(report.gaps).toEqual([]);
    expect(report.users.map((u) => u.user)).toEqual(['alice', 'bob', 'ci-deployer']);
    const bob = report.users[1];
    expect(bob).toMatchObject({
      arn: 'arn:aws:iam::111122223333:user/ops/bob',
      passwordEnabled: true,
      passwordLastUsed: { kind: 'never' },
      mfaActive: false,
    });
    expect(bob?.keys[0]).toEqual({
      slot: 1,
      active: true,
      lastRotated: new Date('2021-05-05T12:01:00Z'),
      lastUsed: { kind: 'never' },
    });
    expect(bob?.keys[1].lastUsed).toEqual({ kind: 'used', at: new Date('2024-12-20T00:00:00Z') });
    expect(report.users[2]?.passwordLastUsed).toEqual({ kind: 'not-applicable' });
  });

  it('separates the root row and reads its keys and MFA when the report has one', () => {
    // Act
    const report = parseCredentialReport(fixtureText('credential-report.csv'));
    // Assess
    expect(report.root).toMatchObject({
      isRoot: true,
      arn: 'arn:aws:iam::111122223333:root',
      passwordEnabled: undefined,
      mfaActive: false,
    });
    expect(report.root?.keys.map((k) => k.active)).toEqual([true, false]);
  });

  it('finds columns by name when AWS reorders or adds columns', () => {
    // Prepare
    const text =
      'new_column,arn,user,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,' +
      'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,' +
      'access_key_2_last_rotated,access_key_2_last_used_date\n' +
      'x,arn:aws:iam::111122223333:user/carol,carol,2024-01-01T00:00:00+00:00,false,N/A,N/A,true,false,N/A,N/A,false,N/A,N/A\n';
    // Act
    const report = parseCredentialReport(text);
    // Assess
    expect(report.users).toHaveLength(1);
    expect(report.users[0]).toMatchObject({ user: 'carol', mfaActive: true });
  });

  it('leaves out rows that do not parse and says why, instead of guessing', () => {
    // Prepare
    const [header, , alice] = fixtureText('credential-report.csv').split('\n');
    const text = [
      header,
      alice,
      'eve,arn:aws:iam::111122223333:user/eve,extra', // too few fields
      (alice ?? '').replace('alice,', 'mallory<script>,'), // not an IAM user name
      (alice ?? '').replace('user/alice', 'role/alice'), // not a user ARN
      (alice ?? '').replace(',true,2024-11-20', ',yes,2024-11-20'), // not a boolean
    ].join('\n');
    // Act
    const report = parseCredentialReport(text);
    // Assess
    expect(report.users.map((u) => u.user)).toEqual(['alice']);
    expect(report.gaps).toHaveLength(4);
    expect(report.gaps.join('\n')).toMatch(/line 3: 3 fields where the header has 22/);
    expect(report.gaps.join('\n')).not.toContain('<script>');
  });

  it('treats a value the format does not define as unknown use, not as never used', () => {
    // Prepare
    const [header, , alice] = fixtureText('credential-report.csv').split('\n');
    const text = [header, (alice ?? '').replace('2024-12-30T08:00:00+00:00', 'yesterday')].join('\n');
    // Act
    const [row] = parseCredentialReport(text).users;
    // Assess
    expect(row?.passwordLastUsed).toEqual({ kind: 'unknown', raw: 'yesterday' });
  });

  it('rejects a report that lacks a column the checks need', () => {
    expect(() => parseCredentialReport('user,arn\nalice,arn:aws:iam::111122223333:user/alice\n')).toThrow(
      CredentialReportFormatError,
    );
    expect(() => parseCredentialReport('')).toThrow(/empty/);
  });
});

describe('parseCsv', () => {
  it('honours quoted fields, doubled quotes and CRLF line ends', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n1,2,3\r\n')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['1', '2', '3'],
    ]);
  });
});
