import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/guardduty/detector-deleted-or-disabled';
import { counts, loadFixture } from '../support';

const ID = 'guardduty.detector-deleted-or-disabled';

describe('guardduty.detector-deleted-or-disabled', () => {
  it('counts a suspension logged with enable as a string', () => {
    const event = loadFixture(ID, 'positive', 'suspend-detector');
    event.requestParameters = { detectorId: '6cc4b1e2a57f0d93b8e1f4a2c7d905e3', enable: 'false' };
    expect(counts(rule, event)).toBe(true);
  });

  it('does not count an UpdateDetector without enable', () => {
    const event = loadFixture(ID, 'positive', 'suspend-detector');
    event.requestParameters = { detectorId: '6cc4b1e2a57f0d93b8e1f4a2c7d905e3' };
    expect(counts(rule, event)).toBe(false);
  });

  it('quarantines the actor and summarizes the detector', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'delete-detector');

    // Assess
    expect(rule.remediation?.(event).map((s) => [s.action, s.params.principalName])).toEqual([
      ['iam.quarantine-principal', 'build-bot'],
    ]);
    expect(rule.summarize(event)).toBe(
      'IAM user build-bot deleted GuardDuty detector "6cc4b1e2a57f0d93b8e1f4a2c7d905e3" in eu-west-1 from 185.220.101.34.',
    );
  });
});
