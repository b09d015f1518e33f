import { describe, expect, it } from 'vitest';
import { rule, sessionWeakening } from '../../../lambdas/rules/macie/disabled';
import { counts, loadFixture } from '../support';

const ID = 'macie.disabled';

describe('macie.disabled', () => {
  it.each([
    [{ status: 'PAUSED' }, 'paused Macie'],
    [{ findingPublishingFrequency: 'ONE_HOUR' }, 'slowed Macie finding publication to "ONE_HOUR"'],
    [
      { findingPublishingFrequency: 'six_hours', status: 'ENABLED' },
      'slowed Macie finding publication to "SIX_HOURS"',
    ],
  ])('counts a session update %j', (request, what) => {
    const event = loadFixture(ID, 'positive', 'session-paused');
    event.requestParameters = request;
    expect(sessionWeakening(event)).toBe(what);
    expect(counts(rule, event)).toBe(true);
  });

  it('does not count re-enabling Macie or an empty update', () => {
    const event = loadFixture(ID, 'positive', 'session-paused');
    for (const request of [{ status: 'ENABLED' }, {}, null]) {
      event.requestParameters = request;
      expect(counts(rule, event)).toBe(false);
    }
  });

  it('counts findings filters only when they archive', () => {
    const event = loadFixture(ID, 'negative', 'saved-findings-filter');
    event.requestParameters = { name: 'mute-everything', action: 'ARCHIVE', findingCriteria: {} };
    expect(counts(rule, event)).toBe(true);
    expect(rule.summarize(event)).toBe(
      'IAM user alice set Macie findings filter "mute-everything" to archive matching findings in eu-west-1 from 198.51.100.23.',
    );
  });

  it('matches the classic Macie event source too', () => {
    const event = { ...loadFixture(ID, 'positive', 'publishing-slowed'), eventSource: 'macie.amazonaws.com' };
    expect(counts(rule, event)).toBe(true);
  });
});
