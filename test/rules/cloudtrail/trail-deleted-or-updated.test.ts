import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../lambdas/engine/types';
import { reducesManagementCoverage, rule } from '../../../lambdas/rules/cloudtrail/trail-deleted-or-updated';
import { counts, loadFixture } from '../support';

const ID = 'cloudtrail.trail-deleted-or-updated';

function selectors(requestParameters: Record<string, unknown> | null): CloudTrailRecord {
  return { ...loadFixture(ID, 'negative', 'event-selectors-all-management-plus-data'), requestParameters };
}

const management = { field: 'eventCategory', equals: ['Management'] };

describe('reducesManagementCoverage', () => {
  it('treats omitted basic selector fields as the API defaults (all management events)', () => {
    expect(reducesManagementCoverage(selectors({ trailName: 't', eventSelectors: [{}] }))).toBe(false);
  });

  it.each([
    ['management events off', { includeManagementEvents: false }],
    ['write-only', { readWriteType: 'WriteOnly' }],
    ['read-only', { readWriteType: 'ReadOnly' }],
    ['KMS events excluded', { excludeManagementEventSources: ['kms.amazonaws.com'] }],
  ])('flags basic selectors with %s', (_label, selector) => {
    expect(reducesManagementCoverage(selectors({ trailName: 't', eventSelectors: [selector] }))).toBe(true);
  });

  it('accepts a full selector next to a narrowed one', () => {
    const event = selectors({ trailName: 't', eventSelectors: [{ includeManagementEvents: false }, {}] });
    expect(reducesManagementCoverage(event)).toBe(false);
  });

  it('accepts advanced selectors that log reads and writes in two selectors', () => {
    const event = selectors({
      trailName: 't',
      advancedEventSelectors: [
        { name: 'reads', fieldSelectors: [management, { field: 'readOnly', equals: ['true'] }] },
        { name: 'writes', fieldSelectors: [management, { field: 'readOnly', equals: ['false'] }] },
      ],
    });
    expect(reducesManagementCoverage(event)).toBe(false);
  });

  it.each([
    ['only data events', [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] }]],
    [
      'an eventSource filter',
      [{ fieldSelectors: [management, { field: 'eventSource', notEquals: ['kms.amazonaws.com'] }] }],
    ],
    ['writes only', [{ fieldSelectors: [management, { field: 'readOnly', equals: ['false'] }] }]],
    ['a NotEquals on eventCategory', [{ fieldSelectors: [{ field: 'eventCategory', notEquals: ['Data'] }] }]],
  ])('flags advanced selectors with %s', (_label, advancedEventSelectors) => {
    expect(reducesManagementCoverage(selectors({ trailName: 't', advancedEventSelectors }))).toBe(true);
  });

  it('treats unreadable selectors as reducing coverage', () => {
    expect(reducesManagementCoverage(selectors(null))).toBe(true);
    expect(reducesManagementCoverage(selectors({ eventSelectors: 'all' }))).toBe(true);
  });
});

describe('cloudtrail.trail-deleted-or-updated', () => {
  it('counts every successful UpdateTrail, whatever changed', () => {
    const event = loadFixture(ID, 'positive', 'update-trail-new-bucket-single-region');
    event.requestParameters = { name: 'org-audit-trail', enableLogFileValidation: true };
    expect(counts(rule, event)).toBe(true);
  });

  it('plans a quarantine of the actor only, and summarizes what happened', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'delete-trail');

    // Act / Assess
    expect(rule.remediation?.(event).map((s) => s.action)).toEqual(['iam.quarantine-principal']);
    expect(rule.summarize(event)).toBe(
      'IAM user build-bot deleted CloudTrail trail "org-audit-trail" in eu-west-1 from 185.220.101.34.',
    );
    expect(rule.defaultMode).toBe('alert');
  });
});
