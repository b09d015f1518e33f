import { describe, expect, it } from 'vitest';
import {
  rule as adminVersion,
  isAdminDefaultVersion,
} from '../../../lambdas/rules/iam/admin-policy-version-created';
import { rule as s3Browser } from '../../../lambdas/rules/iam/changed-with-s3-browser';
import { rule as mfa } from '../../../lambdas/rules/iam/mfa-device-deactivated';
import { rule as oidc } from '../../../lambdas/rules/iam/oidc-provider-changed';
import { rule as passwordPolicy, weaknesses } from '../../../lambdas/rules/iam/password-policy-weakened';
import { rule as saml } from '../../../lambdas/rules/iam/saml-provider-changed';
import { counts, loadFixture } from '../support';

describe('iam.admin-policy-version-created', () => {
  const ID = 'iam.admin-policy-version-created';

  it('needs both an admin document and setAsDefault (boolean or string)', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'allow-everything-as-default');
    const asString = { ...event, requestParameters: { ...event.requestParameters, setAsDefault: 'true' } };
    const notDefault = { ...event, requestParameters: { ...event.requestParameters, setAsDefault: 'false' } };

    // Assess
    expect(isAdminDefaultVersion(asString)).toBe(true);
    expect(isAdminDefaultVersion(notDefault)).toBe(false);
  });

  it('plans to quarantine the actor and deactivate its key', () => {
    const plan = adminVersion.remediation?.(loadFixture(ID, 'positive', 'allow-everything-as-default'));
    expect(plan?.map((s) => s.action)).toEqual(['iam.quarantine-principal', 'iam.disable-access-key']);
  });
});

describe('iam.mfa-device-deactivated', () => {
  const ID = 'iam.mfa-device-deactivated';

  it('says whose device it was', () => {
    expect(mfa.summarize(loadFixture(ID, 'positive', 'admin-deactivates-other-users-device'))).toBe(
      'IAM user alice deactivated MFA device "arn:aws:iam::111122223333:mfa/bob-phone" of IAM user "bob" from 185.220.101.34.',
    );
    expect(mfa.summarize(loadFixture(ID, 'positive', 'root-deactivates-own-device'))).toBe(
      'The root user in account 111122223333 deactivated the root user’s MFA device ' +
        '"arn:aws:iam::111122223333:mfa/root-account-mfa-device" from 45.148.10.22.',
    );
  });

  it('treats a differently-cased own user name as the user’s own device', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'admin-deactivates-other-users-device');
    event.requestParameters = { userName: 'ALICE', serialNumber: 'arn:aws:iam::111122223333:mfa/alice' };

    // Assess
    expect(mfa.summarize(event)).toContain('deactivated its own MFA device');
  });
});

describe('iam.password-policy-weakened', () => {
  const ID = 'iam.password-policy-weakened';

  it('fills settings the request leaves out with IAM’s defaults', () => {
    expect(weaknesses(loadFixture(ID, 'positive', 'everything-omitted'))).toEqual([
      'minimum length 6',
      'reuse allowed',
    ]);
    expect(weaknesses(loadFixture(ID, 'positive', 'length-8-no-reuse-prevention'))).toEqual([
      'minimum length 8',
      'reuse allowed',
    ]);
  });

  it('reads numbers logged as strings and ignores values that are not whole numbers', () => {
    // Prepare
    const event = loadFixture(ID, 'negative', 'compliant-numbers-as-strings');
    const odd = {
      ...event,
      requestParameters: { minimumPasswordLength: '14; drop', passwordReusePrevention: 24.5 },
    };

    // Assess
    expect(weaknesses(event)).toEqual([]);
    expect(weaknesses(odd)).toEqual(['minimum length 6', 'reuse allowed']);
  });

  it('summarizes what is weak', () => {
    expect(passwordPolicy.summarize(loadFixture(ID, 'positive', 'length-8-no-reuse-prevention'))).toBe(
      'IAM user alice set a weak account password policy (minimum length 8, reuse allowed, no symbols required) ' +
        'in account 111122223333 from 185.220.101.34.',
    );
  });
});

describe('iam.saml-provider-changed and iam.oidc-provider-changed', () => {
  it('count changes made through CloudFormation but not those of service-linked roles', () => {
    expect(
      counts(
        saml,
        loadFixture('iam.saml-provider-changed', 'positive', 'metadata-replaced-via-cloudformation'),
      ),
    ).toBe(true);
    expect(
      counts(
        saml,
        loadFixture('iam.saml-provider-changed', 'negative', 'identity-center-service-linked-role'),
      ),
    ).toBe(false);
    expect(
      counts(oidc, loadFixture('iam.oidc-provider-changed', 'negative', 'service-linked-role-session')),
    ).toBe(false);
  });

  it('name the provider and the added audience', () => {
    expect(
      saml.summarize(
        loadFixture('iam.saml-provider-changed', 'positive', 'metadata-replaced-via-cloudformation'),
      ),
    ).toBe(
      'Role CfnExecRole (session AWSCloudFormation) updated the metadata of SAML provider "corp-okta" from cloudformation.amazonaws.com.',
    );
    expect(oidc.summarize(loadFixture('iam.oidc-provider-changed', 'positive', 'audience-added'))).toBe(
      'Role DeployRole (session ci-4711) added a client id (audience) to OIDC provider ' +
        '"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1A2B3C" ("attacker-app") from 185.220.101.34.',
    );
  });
});

describe('iam.changed-with-s3-browser', () => {
  const ID = 'iam.changed-with-s3-browser';

  it('recognises the tool whatever the case or spacing, and reports failures', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'templated-policy-denied');
    const spaced = { ...event, userAgent: 's3browser/12.1' };

    // Assess
    expect(counts(s3Browser, spaced)).toBe(true);
    expect(s3Browser.summarize(event)).toBe(
      'IAM user ci-deployer called iam:PutUserPolicy for IAM user "backup-sync" with S3 Browser (failed: AccessDenied) from 45.148.10.22.',
    );
  });
});
