import { describe, expect, it } from 'vitest';
import { imageShareTargets, rule } from '../../../lambdas/rules/ec2/ami-shared';
import { counts, loadFixture } from '../support';

const ID = 'ec2.ami-shared';

describe('ec2.ami-shared', () => {
  it('plans to unshare the image from the accounts and the public it was shared with', () => {
    const event = loadFixture(ID, 'positive', 'made-public');
    expect(rule.remediation?.(event)).toEqual([
      expect.objectContaining({
        action: 'ec2.unshare-image',
        params: { imageId: 'ami-0de1fbcab6ccb03e6', region: 'eu-west-1', sharedWith: 'all' },
      }),
    ]);
  });

  it('reads only the launchPermission attribute, whatever else the request carries', () => {
    // Prepare: Panther's "launch permissions not modified" shape, a share under another attribute name.
    const event = loadFixture(ID, 'positive', 'made-public');
    event.requestParameters = {
      imageId: 'ami-0de1fbcab6ccb03e6',
      attributeType: 'someThing',
      someThing: { add: { items: [{ group: 'all' }] } },
    };

    // Assess
    expect(imageShareTargets(event)).toEqual([]);
    expect(counts(rule, event)).toBe(false);
  });

  it('does not count organization shares, which one event cannot tell from the own organization', () => {
    expect(counts(rule, loadFixture(ID, 'negative', 'shared-with-organization'))).toBe(false);
  });
});
