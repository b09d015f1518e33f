import { describe, expect, it } from 'vitest';
import { rule as codeUpdated } from '../../../lambdas/rules/lambda/code-updated-by-human';
import {
  foreignLayers,
  rule as layerAdded,
  layerArns,
} from '../../../lambdas/rules/lambda/layer-added-by-human';
import { rule as layerPublic } from '../../../lambdas/rules/lambda/layer-made-public';
import {
  opensFunction,
  rule as permissionPublic,
} from '../../../lambdas/rules/lambda/permission-made-public';
import { counts, loadFixture } from '../support';

describe('lambda.permission-made-public', () => {
  const ID = 'lambda.permission-made-public';

  it.each(['sourceArn', 'sourceAccount', 'principalOrgID'])(
    'does not count "*" tied to a caller by %s',
    (key) => {
      const event = loadFixture(ID, 'positive', 'invoke-granted-to-everyone');
      event.requestParameters = {
        ...event.requestParameters,
        [key]: 'arn:aws:execute-api:eu-west-1:111122223333:abc/*',
      };
      expect(opensFunction(event)).toBe(false);
    },
  );

  it('counts a function URL updated to no authentication, in either event name', () => {
    const event = loadFixture(ID, 'negative', 'function-url-with-iam-auth');
    event.requestParameters = { functionName: 'billing-export', authType: 'none' };
    expect(counts(permissionPublic, event)).toBe(true);
    expect(counts(permissionPublic, { ...event, eventName: 'UpdateFunctionUrlConfig' })).toBe(true);
    expect(permissionPublic.summarize(event)).toBe(
      'IAM user alice gave Lambda function "billing-export" a function URL anyone can invoke without authentication from 198.51.100.23.',
    );
  });

  it('plans to quarantine the actor', () => {
    const event = loadFixture(ID, 'positive', 'function-url-without-auth');
    expect(permissionPublic.remediation?.(event).map((s) => s.action)).toEqual(['iam.quarantine-principal']);
  });
});

describe('lambda.code-updated-by-human', () => {
  it('counts a root or federated user but not a CI role, whatever the user agent says', () => {
    // Prepare
    const event = loadFixture('lambda.code-updated-by-human', 'negative', 'code-deployed-by-pipeline-role');
    const federated = {
      ...event,
      userIdentity: { type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/eve' },
    };
    const consoleRole = { ...event, userAgent: 'console.amazonaws.com' };

    // Assess
    expect(counts(codeUpdated, federated)).toBe(true);
    expect(counts(codeUpdated, consoleRole)).toBe(false);
  });
});

describe('lambda.layer-added-by-human', () => {
  const ID = 'lambda.layer-added-by-human';

  it('prefers the layers the request sets and names layers from other accounts', () => {
    const event = loadFixture(ID, 'positive', 'foreign-layer-added-by-user');
    expect(layerArns(event)).toEqual(['arn:aws:lambda:eu-west-1:846424999548:layer:telemetry-ext:3']);
    expect(foreignLayers(event)).toHaveLength(1);
    expect(layerAdded.summarize(event)).toBe(
      'IAM user alice set 1 layer on Lambda function "payments-webhook" by hand (1 from another account) from 198.51.100.23.',
    );
  });

  it('reads the resulting layers when the request does not list them', () => {
    const event = loadFixture(ID, 'positive', 'layered-function-updated-by-sso-user');
    expect(layerArns(event)).toEqual(['arn:aws:lambda:eu-west-1:111122223333:layer:shared-libs:12']);
    expect(foreignLayers(event)).toEqual([]);
  });
});

describe('lambda.layer-made-public', () => {
  it('does not count a layer shared with one account or an organization', () => {
    expect(
      counts(
        layerPublic,
        loadFixture('lambda.layer-made-public', 'negative', 'layer-shared-with-one-account'),
      ),
    ).toBe(false);
    expect(
      counts(
        layerPublic,
        loadFixture('lambda.layer-made-public', 'negative', 'layer-shared-with-organization'),
      ),
    ).toBe(false);
  });
});
