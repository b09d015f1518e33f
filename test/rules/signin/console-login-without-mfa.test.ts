import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/signin/console-login-without-mfa';
import { counts, loadFixture } from '../support';

const ID = 'signin.console-login-without-mfa';

describe('signin.console-login-without-mfa', () => {
  it('does not count an IAM user sign-in that came through a SAML provider', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'iam-user-password-only');
    event.additionalEventData = {
      ...event.additionalEventData,
      SamlProviderArn: 'arn:aws:iam::111122223333:saml-provider/Okta',
    };

    // Assess
    expect(counts(rule, event)).toBe(false);
  });

  it('does not count a sign-in whose MFA field is missing', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-password-only');
    event.additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home' };
    expect(counts(rule, event)).toBe(false);
  });

  it('summarizes who signed in and from where', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'iam-user-password-only'))).toBe(
      'IAM user alice signed in to the AWS console without MFA in account 111122223333 from 203.0.113.77.',
    );
  });
});
