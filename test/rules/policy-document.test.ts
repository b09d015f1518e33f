import { describe, expect, it } from 'vitest';
import { grantsAdmin, isAdminStatement, parsePolicyDocument } from '../../lambdas/rules/policy-document';

const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('parsePolicyDocument', () => {
  it('reads plain JSON, URL-encoded JSON and form-encoded JSON the same', () => {
    // Prepare
    const json = JSON.stringify(ADMIN, null, 2);

    // Act / Assess
    expect(parsePolicyDocument(json)).toEqual(ADMIN);
    expect(parsePolicyDocument(encodeURIComponent(json))).toEqual(ADMIN);
    expect(parsePolicyDocument(encodeURIComponent(json).replace(/%20/g, '+'))).toEqual(ADMIN);
  });

  it('keeps a literal plus sign that was percent-encoded', () => {
    const doc = { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a+b/*' } };
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
  });

  it('accepts an already-parsed object and a leading byte-order mark', () => {
    expect(parsePolicyDocument(ADMIN)).toBe(ADMIN);
    expect(parsePolicyDocument(`\ufeff${JSON.stringify(ADMIN)}`)).toEqual(ADMIN);
  });

  it('returns nothing for malformed JSON, malformed percent-encoding, non-objects and oversized text', () => {
    expect(parsePolicyDocument('{"Statement": [')).toBeUndefined();
    expect(parsePolicyDocument('%7B%22Statement%E0%A4%A')).toBeUndefined();
    expect(parsePolicyDocument('["*"]')).toBeUndefined();
    expect(parsePolicyDocument('null')).toBeUndefined();
    expect(parsePolicyDocument(42)).toBeUndefined();
    expect(parsePolicyDocument(`{"a":"${'x'.repeat(200_000)}"}`)).toBeUndefined();
  });
});

describe('isAdminStatement', () => {
  it.each([
    ['Action and Resource as strings', { Effect: 'Allow', Action: '*', Resource: '*' }],
    ['Action and Resource as lists', { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['*'] }],
    ['the *:* action pattern', { Effect: 'Allow', Action: '*:*', Resource: '*' }],
    ['NotAction on every resource', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    ['every action on NotResource', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit/*' }],
    [
      'a condition',
      { Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
    ],
    ['a lower-case effect', { Effect: 'allow', Action: '*', Resource: '*' }],
  ])('counts an allow-everything statement with %s', (_label, statement) => {
    expect(isAdminStatement(statement)).toBe(true);
  });

  it.each([
    ['a Deny', { Effect: 'Deny', Action: '*', Resource: '*' }],
    ['a service wildcard', { Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    ['a specific resource', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::exports/*' }],
    ['no Effect', { Action: '*', Resource: '*' }],
    ['no Resource', { Effect: 'Allow', Action: '*' }],
    ['wrong types', { Effect: 1, Action: { '*': true }, Resource: 7 }],
  ])('does not count %s', (_label, statement) => {
    expect(isAdminStatement(statement as Record<string, unknown>)).toBe(false);
  });
});

describe('grantsAdmin', () => {
  it('finds an admin statement in a single-statement object', () => {
    expect(grantsAdmin(JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }))).toBe(
      true,
    );
  });

  it('ignores statements that are not objects and a Statement of the wrong type', () => {
    expect(grantsAdmin(JSON.stringify({ Statement: ['*', null, 3] }))).toBe(false);
    expect(grantsAdmin(JSON.stringify({ Statement: 'Allow * on *' }))).toBe(false);
  });

  it('does not match a document it cannot read', () => {
    expect(grantsAdmin('not json')).toBe(false);
    expect(grantsAdmin(undefined)).toBe(false);
  });
});
