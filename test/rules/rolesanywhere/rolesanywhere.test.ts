import { describe, expect, it } from 'vitest';
import { rule as profile } from '../../../lambdas/rules/rolesanywhere/profile-changed';
import { rule as anchor } from '../../../lambdas/rules/rolesanywhere/trust-anchor-changed';
import { loadFixture } from '../support';

describe('rolesanywhere rules', () => {
  it('name the anchor (its name from the response when the request has only its id) and its source type', () => {
    expect(
      anchor.summarize(
        loadFixture('rolesanywhere.trust-anchor-changed', 'positive', 'anchor-source-replaced'),
      ),
    ).toBe(
      'Role DeployRole (session ci-4711) changed the certificate source of IAM Roles Anywhere trust anchor ' +
        '"edge-ca" (source CERTIFICATE_BUNDLE) in eu-west-1 from 185.220.101.34.',
    );
  });

  it('name the roles a profile maps to', () => {
    expect(
      profile.summarize(loadFixture('rolesanywhere.profile-changed', 'positive', 'roles-added-to-profile')),
    ).toBe(
      'Role DeployRole (session ci-4711) changed IAM Roles Anywhere profile "5a6b7c8d-9e0f-1a2b-3c4d-5e6f7a8b9c0d" ' +
        'for roles "edge-agent", "platform-admin" in eu-west-1 from 185.220.101.34.',
    );
  });
});
