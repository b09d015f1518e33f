import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../lambdas/rules';
import { DEFAULT_CONFIG_PREFIX, ssmNames } from '../../lambdas/shared/contract';
import { ConfigParameters } from '../../lib/constructs/config-parameters';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { asArray, roleStatements, synth, TRUSTED_CONTEXT } from './synth';

let stack: TrailGuardStack;
let template: Template;
let config: ConfigParameters;
const logicalId = (element: unknown): string => stack.resolve(stack.getLogicalId(element as CfnElement));
/** The Name of the template resource behind an exposed parameter (`parameterName` is a token). */
const nameOf = (parameter: { node: { defaultChild?: unknown } } | undefined): unknown =>
  template.findResources('AWS::SSM::Parameter')[logicalId(parameter?.node.defaultChild)]?.Properties.Name;

beforeAll(() => {
  // The one synthesis of this file: trustedAccounts as -c gives it (a string), trustedNetworks as cdk.json does.
  ({ stack, template } = synth({ context: TRUSTED_CONTEXT }));
  config = stack.node.findChild('Config') as ConfigParameters;
}, 120_000);

describe('trusted accounts and networks options of the stack', () => {
  it('creates the trusted accounts list when -c trustedAccounts is given (a comma-separated string)', () => {
    // Assess: trimmed, the empty entry and the duplicate dropped.
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.trustedAccounts(DEFAULT_CONFIG_PREFIX),
      Type: 'StringList',
      Value: '111122223333,444455556666',
      Description: Match.stringLikeRegexp(
        '^TrailGuard trusted accounts: .*a deploy that changes the stack option overwrites this value.*trustedAccounts',
      ),
    });
    expect(nameOf(config.trustedAccounts)).toBe(ssmNames.trustedAccounts(DEFAULT_CONFIG_PREFIX));
  });

  it('creates the trusted networks list when trustedNetworks is given (a JSON array from cdk.json)', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.trustedNetworks(DEFAULT_CONFIG_PREFIX),
      Type: 'StringList',
      Value: '198.51.100.90/32,2001:db8::/56',
      Description: Match.stringLikeRegexp(
        '^TrailGuard trusted networks: .*a deploy that changes the stack option overwrites this value.*trustedNetworks',
      ),
    });
    expect(nameOf(config.trustedNetworks)).toBe(ssmNames.trustedNetworks(DEFAULT_CONFIG_PREFIX));
  });

  it('chains both into the parameters created at most five at a time, and lets the analyzer read them', () => {
    // Prepare
    const parameters = template.findResources('AWS::SSM::Parameter');
    const analyzerSsm = roleStatements(template, logicalId(stack.analyzer.role.node.defaultChild)).filter(
      (statement) => asArray(statement.Action).includes('ssm:GetParameter'),
    );
    // Assess
    for (const parameter of [config.trustedAccounts, config.trustedNetworks]) {
      const resource = parameters[logicalId(parameter?.node.defaultChild)];
      expect(resource?.DependsOn).toHaveLength(1);
      expect(parameters[asArray(resource?.DependsOn as string | string[])[0] as string]).toBeDefined();
    }
    // The analyzer reads everything under the prefix, context/* included: no grant of their own.
    expect(JSON.stringify(analyzerSsm.flatMap((s) => asArray(s.Resource)))).toContain(
      `:parameter${DEFAULT_CONFIG_PREFIX}/*`,
    );
  });

  it.each([
    [
      { trustedAccounts: '111122223333,1234' },
      /ConfigParameters TrailGuard\/Config: trustedAccounts entry "1234" is not a 12-digit AWS account id/,
    ],
    [
      { trustedNetworks: '198.51.100.90/32,10.0.0.0/33' },
      /ConfigParameters TrailGuard\/Config: trustedNetworks entry "10\.0\.0\.0\/33" is not a valid CIDR/,
    ],
    [
      { trustedNetworks: ['office-vpn'] },
      /ConfigParameters TrailGuard\/Config: trustedNetworks entry "office-vpn" is not a CIDR/,
    ],
    [
      { trustedAccounts: ' , ' },
      /ConfigParameters TrailGuard\/Config: trustedAccounts is empty and SSM cannot store an empty list/,
    ],
    [{ trustedNetworks: [] }, /trustedNetworks is empty and SSM cannot store an empty list/],
    [
      { trustedAccounts: 111122223333 },
      /context "trustedAccounts" must be a comma-separated list of 12-digit account ids, got 111122223333/,
    ],
    [
      { trustedNetworks: ['10.0.0.0/8', 42] },
      /context "trustedNetworks" must be a comma-separated list of CIDRs, got \["10\.0\.0\.0\/8",42\]/,
    ],
  ])('rejects %j', (context, message) => {
    expect(() => synth({ context })).toThrow(message);
  });
});

describe('ConfigParameters trusted lists', () => {
  /** A stack that never bundles: these tests are about the construct, not the app. */
  const bareStack = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');

  it('names the lists after the prefix and drops duplicate entries silently', () => {
    // Prepare
    const s = bareStack();
    // Act
    const parameters = new ConfigParameters(s, 'Config', {
      catalog,
      prefix: '/security/trailguard',
      trustedAccounts: ['111122223333', '111122223333'],
      trustedNetworks: ['2001:db8::/56', '198.51.100.90/32', '2001:db8::/56'],
    });
    // Assess
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/security/trailguard/context/trusted-accounts',
      Type: 'StringList',
      Value: '111122223333',
    });
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/security/trailguard/context/trusted-networks',
      Type: 'StringList',
      Value: '2001:db8::/56,198.51.100.90/32',
    });
    expect(parameters.trustedAccounts).toBeDefined();
    expect(parameters.trustedNetworks).toBeDefined();
  });

  it('rejects a list longer than an SSM parameter holds, naming the construct', () => {
    // Prepare: 400 distinct /32s, about 6,000 characters comma-joined.
    const networks = Array.from({ length: 400 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}/32`);
    // Act / Assess
    expect(() => new ConfigParameters(bareStack(), 'Config', { catalog, trustedNetworks: networks })).toThrow(
      /ConfigParameters Test\/Config: trustedNetworks is \d+ characters comma-joined; .* at most 4096/,
    );
  });
});
