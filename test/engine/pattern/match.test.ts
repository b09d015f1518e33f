import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidPatternError,
  matchesPattern,
  validatePattern,
} from '../../../lambdas/engine/pattern/match';
import type { EventPattern } from '../../../lambdas/engine/types';

interface MatchCase {
  readonly name: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly matches: boolean;
}

function runCases(cases: readonly MatchCase[]): void {
  it.each(cases)('$name', ({ pattern, event, matches }) => {
    // Prepare
    const compiled = compilePattern(pattern as EventPattern);

    // Act
    const viaCache = matchesPattern(pattern as EventPattern, event);
    const viaCompiled = compiled(event);

    // Assess
    expect(viaCache).toBe(matches);
    expect(viaCompiled).toBe(matches);
  });
}

// The sample events of the EventBridge user guide and the aws/event-ruler README.
const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoscalingLaunch = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieAlert = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: {
      'rule-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
      'alert-type': 'basic',
      risk: 8,
    },
  },
};

const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return { ...rulerEvent, detail };
}

describe('matchesPattern: examples of the EventBridge user guide', () => {
  runCases([
    // eb-event-patterns: "Create event patterns" (EC2 instance-termination events)
    {
      name: 'matches when source, detail-type and detail.state all match',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      event: ec2StateChange,
      matches: true,
    },
    // eb-event-patterns: "Create event patterns" (all named fields must be present)
    {
      name: 'does not match when the event lacks a field the pattern names',
      pattern: { source: ['aws.ec2'], detail: { 'previous-state': ['running'] } },
      event: ec2StateChange,
      matches: false,
    },
    // eb-event-patterns: "Match values"
    {
      name: 'matches when the value is any of the listed values',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: { ...ec2StateChange, source: 'aws.fargate' },
      matches: true,
    },
    // eb-event-patterns: "Match values"
    {
      name: 'does not match when the value is none of the listed values',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: { ...ec2StateChange, source: 'aws.s3' },
      matches: false,
    },
    // eb-event-patterns: "Field matching"
    {
      name: 'matches when a null field is matched with null',
      pattern: {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance Launch Successful'],
        detail: { responseElements: [null] },
      },
      event: autoscalingLaunch,
      matches: true,
    },
    // eb-event-patterns: "Value matching" (Macie risk score and nested trigger risk)
    {
      name: 'matches when numbers match at two nesting levels',
      pattern: {
        source: ['aws.macie'],
        'detail-type': ['Macie Alert'],
        detail: { 'risk-score': [80], trigger: { risk: [8] } },
      },
      event: macieAlert,
      matches: true,
    },
    // eb-event-patterns: "Value matching"
    {
      name: 'does not match when a nested number differs',
      pattern: { detail: { 'risk-score': [80], trigger: { risk: [7] } } },
      event: macieAlert,
      matches: false,
    },
    // eb-event-patterns: "For strings, EventBridge uses exact character-by-character matching"
    {
      name: 'does not match when only the case differs',
      pattern: { source: ['AWS.EC2'] },
      event: ec2StateChange,
      matches: false,
    },
    // eb-event-patterns-null-values: empty string
    {
      name: 'matches when an empty-string field is matched with ""',
      pattern: { detail: { eventVersion: [''] } },
      event: autoscalingLaunch,
      matches: true,
    },
    // eb-event-patterns-null-values: null
    {
      name: 'matches when a null field is matched with [null]',
      pattern: { detail: { responseElements: [null] } },
      event: autoscalingLaunch,
      matches: true,
    },
    // eb-event-patterns-null-values: "Null values and empty strings are not interchangeable"
    {
      name: 'does not match when "" is matched against null',
      pattern: { detail: { responseElements: [''] } },
      event: autoscalingLaunch,
      matches: false,
    },
    // eb-event-patterns-null-values: "Null values and empty strings are not interchangeable"
    {
      name: 'does not match when null is matched against ""',
      pattern: { detail: { eventVersion: [null] } },
      event: autoscalingLaunch,
      matches: false,
    },
    // eb-event-patterns-null-values: null matches only JSON null, not a missing field
    {
      name: 'does not match when null is matched against a missing field',
      pattern: { detail: { errorCode: [null] } },
      event: autoscalingLaunch,
      matches: false,
    },
    // eb-event-patterns-arrays: intersection of pattern and event arrays
    {
      name: 'matches when an event array shares an element with the pattern list',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      matches: true,
    },
    // eb-event-patterns-arrays: empty intersection
    {
      name: 'does not match when an event array shares no element with the pattern list',
      pattern: { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
      event: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
      matches: false,
    },
    // content filtering: "Prefix matching"
    {
      name: 'matches when time starts with the prefix',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Prefix matching"
    {
      name: 'does not match when time starts otherwise',
      pattern: { time: [{ prefix: '2017-10-03' }] },
      event: rulerEvent,
      matches: false,
    },
    // content filtering: "Anything-but matching" (string)
    {
      name: 'matches when state is anything but "initializing"',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Anything-but matching" (string)
    {
      name: 'does not match when state is the excluded "initializing"',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ state: 'initializing' }),
      matches: false,
    },
    // content filtering: "Anything-but matching" (number)
    {
      name: 'matches when x-limit is anything but 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Anything-but matching" (number)
    {
      name: 'does not match when x-limit is the excluded 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: withDetail({ 'x-limit': 123 }),
      matches: false,
    },
    // content filtering: "Anything-but matching" (list of strings)
    {
      name: 'matches when state is not in the excluded list',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Anything-but matching" (list of strings)
    {
      name: 'does not match when state is in the excluded list',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: withDetail({ state: 'overloaded' }),
      matches: false,
    },
    // content filtering: "Anything-but matching" (list of numbers)
    {
      name: 'matches when x-limit is not in the excluded numbers',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Anything-but matching" (list of numbers)
    {
      name: 'does not match when x-limit is one of the excluded numbers',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: withDetail({ 'x-limit': 200 }),
      matches: false,
    },
    // content filtering: "Anything-but matching" (prefix)
    {
      name: 'matches when state does not start with the excluded prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Anything-but matching" (prefix)
    {
      name: 'does not match when state starts with the excluded prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: withDetail({ state: 'initializing' }),
      matches: false,
    },
    // content filtering: "Numeric matching"
    {
      name: 'matches when every numeric condition holds',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Numeric matching" (c-count above the closed upper bound)
    {
      name: 'does not match when one numeric condition fails',
      pattern: {
        detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }] },
      },
      event: withDetail({ 'c-count': 6, 'd-count': 3 }),
      matches: false,
    },
    // content filtering: "Numeric matching" (open lower bound)
    {
      name: 'does not match when the value equals an open lower bound',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: withDetail({ 'c-count': 0 }),
      matches: false,
    },
    // content filtering: "IP address matching"
    {
      name: 'matches when the IP address is inside the CIDR block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: '10.0.0.24' }),
      matches: true,
    },
    // content filtering: "IP address matching"
    {
      name: 'does not match when the IP address is outside the CIDR block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: '10.0.1.24' }),
      matches: false,
    },
    // content filtering: "IP address matching" ("works for IPv4 and IPv6 addresses")
    {
      name: 'matches when an IPv6 address is inside an IPv6 CIDR block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/56' }] } },
      event: withDetail({ sourceIPAddress: '2001:db8:1234:1aff::1' }),
      matches: true,
    },
    // content filtering: "IP address matching" (IPv6)
    {
      name: 'does not match when an IPv6 address is outside the IPv6 CIDR block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/56' }] } },
      event: withDetail({ sourceIPAddress: '2001:db8:1234:1b00::1' }),
      matches: false,
    },
    // content filtering: "Exists matching" (field absent)
    {
      name: 'matches when c-count is absent and the pattern says it must not exist',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'] }),
      matches: true,
    },
    // content filtering: "Exists matching" ("also matches ... because c-count isn't a leaf node")
    {
      name: 'matches when c-count is an object and the pattern says it must not exist',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
      matches: true,
    },
    // content filtering: "Exists matching" (field present)
    {
      name: 'does not match when c-count is present and the pattern says it must not exist',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: rulerEvent,
      matches: false,
    },
    // aws/event-ruler README: "Exists matching" (exists: true)
    {
      name: 'matches when c-count is present and the pattern says it must exist',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: rulerEvent,
      matches: true,
    },
    // content filtering: "Complex example with multiple matching"
    {
      name: 'matches when every operator of the complex example holds',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      event: rulerEvent,
      matches: true,
    },
  ]);
});

describe('matchesPattern: rows of the comparison operators summary (eb-create-pattern-operators)', () => {
  runCases([
    // operators table: "And"
    {
      name: 'matches when Location and Day both match',
      pattern: { Location: ['New York'], Day: ['Monday'] },
      event: { Location: 'New York', Day: 'Monday' },
      matches: true,
    },
    // operators table: "And"
    {
      name: 'does not match when only one of two ANDed fields matches',
      pattern: { Location: ['New York'], Day: ['Monday'] },
      event: { Location: 'New York', Day: 'Tuesday' },
      matches: false,
    },
    // operators table: "Anything-but (begins with)"
    {
      name: 'matches when Region does not begin with us-',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: 'eu-west-1' },
      matches: true,
    },
    // operators table: "Anything-but (begins with)"
    {
      name: 'does not match when Region begins with us-',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: 'us-east-1' },
      matches: false,
    },
    // operators table: "Anything-but (ends with)"
    {
      name: 'matches when FileName does not end with .png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'notes.txt' },
      matches: true,
    },
    // operators table: "Anything-but (ends with)"
    {
      name: 'does not match when FileName ends with .png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'image.png' },
      matches: false,
    },
    // operators table: "Anything-but (ignore case)"
    {
      name: 'does not match when state is INITIALIZING and the exclusion ignores case',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'INITIALIZING' },
      matches: false,
    },
    // operators table: "Anything-but (ignore case)"
    {
      name: 'matches when state differs from every case variant of the exclusion',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      event: { state: 'Running' },
      matches: true,
    },
    // operators table: "Anything-but using a wildcard"
    {
      name: 'does not match when FilePath includes /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/lib/libc.so' },
      matches: false,
    },
    // operators table: "Anything-but using a wildcard"
    {
      name: 'matches when FilePath does not include /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/bin/tool' },
      matches: true,
    },
    // operators table: "Begins with"
    {
      name: 'matches when Region begins with us-',
      pattern: { Region: [{ prefix: 'us-' }] },
      event: { Region: 'us-west-2' },
      matches: true,
    },
    // operators table: "Begins with (ignore case)"
    {
      name: 'matches when service begins with eventb in another case',
      pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
      event: { service: 'EventBridge' },
      matches: true,
    },
    // operators table: "Begins with (ignore case)"
    {
      name: 'does not match when service begins with other letters',
      pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
      event: { service: 'Events' },
      matches: false,
    },
    // operators table: "Empty"
    {
      name: 'matches when LastName is empty',
      pattern: { LastName: [''] },
      event: { LastName: '' },
      matches: true,
    },
    // operators table: "Equals"
    {
      name: 'matches when Name equals Alice',
      pattern: { Name: ['Alice'] },
      event: { Name: 'Alice' },
      matches: true,
    },
    // operators table: "Equals (ignore case)"
    {
      name: 'matches when Name equals alice ignoring case',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'ALICE' },
      matches: true,
    },
    // operators table: "Equals (ignore case)"
    {
      name: 'does not match when Name only starts like alice',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alicia' },
      matches: false,
    },
    // operators table: "Ends with"
    {
      name: 'matches when FileName ends with .png',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.png' },
      matches: true,
    },
    // operators table: "Ends with (ignore case)"
    {
      name: 'matches when service ends with tbridge in another case',
      pattern: { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] },
      event: { service: 'EVENTBRIDGE' },
      matches: true,
    },
    // operators table: "Exists"
    {
      name: 'matches when ProductName exists',
      pattern: { ProductName: [{ exists: true }] },
      event: { ProductName: 'Widget' },
      matches: true,
    },
    // operators table: "Does not exist"
    {
      name: 'matches when ProductName does not exist',
      pattern: { ProductName: [{ exists: false }] },
      event: { Price: 10 },
      matches: true,
    },
    // operators table: "Not" (anything-but list)
    {
      name: 'does not match when Weather is Raining',
      pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
      event: { Weather: 'Raining' },
      matches: false,
    },
    // operators table: "Null"
    {
      name: 'matches when UserID is null',
      pattern: { UserID: [null] },
      event: { UserID: null },
      matches: true,
    },
    // operators table: "Numeric (equals)"
    {
      name: 'matches when Price equals 100',
      pattern: { Price: [{ numeric: ['=', 100] }] },
      event: { Price: 100 },
      matches: true,
    },
    // operators table: "Numeric (range)"
    {
      name: 'matches when Price is at the closed upper bound of a range',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 20 },
      matches: true,
    },
    // operators table: "Numeric (range)"
    {
      name: 'does not match when Price is at the open lower bound of a range',
      pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      event: { Price: 10 },
      matches: false,
    },
    // operators table: "Or"
    {
      name: 'matches when PaymentType is one of the listed values',
      pattern: { PaymentType: ['Credit', 'Debit'] },
      event: { PaymentType: 'Debit' },
      matches: true,
    },
    // operators table: "Or (multiple fields)"
    {
      name: 'matches when either $or alternative matches',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Paris', Day: 'Monday' },
      matches: true,
    },
    // operators table: "Or (multiple fields)"
    {
      name: 'does not match when no $or alternative matches',
      pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
      event: { Location: 'Paris', Day: 'Friday' },
      matches: false,
    },
    // operators table: "Wildcard"
    {
      name: 'matches when FileName fits the wildcard dir/*.png',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'dir/image.png' },
      matches: true,
    },
    // operators table: "Wildcard"
    {
      name: 'does not match when FileName is outside the wildcard folder',
      pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
      event: { FileName: 'other/image.png' },
      matches: false,
    },
  ]);
});

describe('matchesPattern: wildcards (eb-create-pattern-operators, "Matching using wildcards")', () => {
  runCases([
    // wildcard section: EventBusArn example
    {
      name: 'matches when an ARN fits a wildcard with two stars',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' },
      matches: true,
    },
    // wildcard section: EventBusArn example, other region
    {
      name: 'does not match when the ARN region differs from the wildcard',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/myEventBus' },
      matches: false,
    },
    // wildcard section: "The string \* represents the literal * character"
    {
      name: 'matches when an escaped star meets a literal star',
      pattern: { key: [{ wildcard: 'file\\*name' }] },
      event: { key: 'file*name' },
      matches: true,
    },
    // wildcard section: "The string \* represents the literal * character"
    {
      name: 'does not match when an escaped star meets another character',
      pattern: { key: [{ wildcard: 'file\\*name' }] },
      event: { key: 'fileXname' },
      matches: false,
    },
    // wildcard section: "The string \\ represents the literal \ character"
    {
      name: 'matches when an escaped backslash meets a literal backslash',
      pattern: { key: [{ wildcard: 'C:\\\\Users' }] },
      event: { key: 'C:\\Users' },
      matches: true,
    },
    // wildcard section: an escaped backslash followed by a real wildcard
    {
      name: 'matches when an escaped backslash is followed by a wildcard',
      pattern: { key: [{ wildcard: 'C:\\\\*' }] },
      event: { key: 'C:\\Windows\\System32' },
      matches: true,
    },
    // wildcard section, "Wildcard matching complexity": repeating character sequences
    {
      name: 'matches when the path repeats the sequence after the wildcard',
      pattern: { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] },
      event: { FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' },
      matches: true,
    },
    // wildcard section, "Wildcard matching complexity": repeating sequence broken
    {
      name: 'does not match when the repeated sequence is broken',
      pattern: { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] },
      event: { FileName: '/Users/ls_user/dir/dir/dir/dir/otherdir/doc.txt' },
      matches: false,
    },
    // wildcard section, "Wildcard matching complexity": simplified pattern
    {
      name: 'matches when the simplified wildcard spans several folders',
      pattern: { FileName: [{ wildcard: '/Users/*/doc.txt' }] },
      event: { FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' },
      matches: true,
    },
    // aws/event-ruler README "Wildcard matching": a star matches zero characters
    {
      name: 'matches when the star stands for no characters',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleService' },
      matches: true,
    },
    // wildcards only apply to strings
    {
      name: 'does not match when the value is a number',
      pattern: { key: [{ wildcard: '*' }] },
      event: { key: 5 },
      matches: false,
    },
    // wildcard without a star is an exact match
    {
      name: 'does not match when a star-less wildcard meets a longer string',
      pattern: { key: [{ wildcard: 'abc' }] },
      event: { key: 'abcd' },
      matches: false,
    },
    // head and tail must not overlap
    {
      name: 'does not match when the anchored head and tail would overlap',
      pattern: { key: [{ wildcard: 'ab*ba' }] },
      event: { key: 'aba' },
      matches: false,
    },
  ]);
});

describe('matchesPattern: $or (eb-create-pattern-operators "Or matching", aws/event-ruler README)', () => {
  const metric = {
    source: 'aws.cloudwatch',
    metricName: 'NetworkIn',
    namespace: 'AWS/EC2',
    metricType: 'MetricType',
    detail: { source: 'other', 'detail-type': 'CloudWatch Alarm State Change' },
  };
  runCases([
    // Or matching: $or over numeric fields inside detail
    {
      name: 'matches when one $or alternative inside detail holds',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      event: withDetail({ 'c-count': 50, 'd-count': 50, 'x-limit': 301.8 }),
      matches: true,
    },
    // Or matching: no alternative holds
    {
      name: 'does not match when no $or alternative inside detail holds',
      pattern: {
        detail: {
          $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
        },
      },
      event: withDetail({ 'c-count': 50, 'd-count': 50 }),
      matches: false,
    },
    // README: Normal "Or" — source && (metricName || namespace)
    {
      name: 'matches when the AND field holds and one OR field holds',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: metric,
      matches: true,
    },
    // README: Normal "Or" — the AND part fails
    {
      name: 'does not match when an OR field holds but the AND field fails',
      pattern: {
        source: ['aws.ec2'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: metric,
      matches: false,
    },
    // README: Parallel "Or" at two levels
    {
      name: 'matches when each of two parallel $or holds',
      pattern: {
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
        detail: {
          $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }],
        },
      },
      event: metric,
      matches: true,
    },
    // README: "Or" has an "And" inside
    {
      name: 'matches when an AND-ed alternative of the $or holds',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
          { scope: ['Service'] },
        ],
      },
      event: metric,
      matches: true,
    },
    // README: Nested "Or" and "And"
    {
      name: 'matches when a nested $or inside an alternative holds',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ['Service'] },
        ],
      },
      event: { ...metric, spaceId: 1000 },
      matches: true,
    },
    // README: Nested "Or" and "And" — the nested $or fails
    {
      name: 'does not match when the nested $or of the only viable alternative fails',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
        ],
      },
      event: { ...metric, spaceId: 999 },
      matches: false,
    },
  ]);
});

describe('matchesPattern: arrays of objects (aws/event-ruler README "JSON Array Matching")', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  runCases([
    {
      name: 'matches when one element of an object array matches',
      pattern: { employees: { firstName: ['Anna'] } },
      event: employees,
      matches: true,
    },
    {
      name: 'does not match when the fields match in different elements',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      matches: false,
    },
    {
      name: 'matches when both fields match in the same element',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      matches: true,
    },
    {
      name: 'matches when the object array is nested in arrays',
      pattern: { employees: { firstName: ['Peter'] } },
      event: {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Anna', lastName: 'Smith' },
          ],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
      matches: true,
    },
    {
      name: 'matches when a $or is evaluated within one array element',
      pattern: {
        employees: { lastName: ['Jones'], $or: [{ firstName: ['Peter'] }, { firstName: ['Paul'] }] },
      },
      event: employees,
      matches: true,
    },
  ]);
});

// Cases recorded against real EventBridge (`TestEventPattern`) by localstack's snapshot suite, where the user
// guide is silent. Each name is the localstack template it comes from.
describe('matchesPattern: behaviour recorded against EventBridge', () => {
  runCases([
    // content_anything_but_string_null
    {
      name: 'matches when anything-but meets a null value',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: { detail: { state: null } },
      matches: true,
    },
    // content_anything_but_ignorecase_null
    {
      name: 'matches when anything-but equals-ignore-case meets a null value',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
      event: { detail: { state: null } },
      matches: true,
    },
    // content_anything_but_string_missing_NEG
    {
      name: 'does not match when anything-but meets a missing field',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: { detail: { other: 'x' } },
      matches: false,
    },
    // content_anything_prefix_int_value
    {
      name: 'matches when anything-but prefix meets a number',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: { detail: { state: 12 } },
      matches: true,
    },
    // content_anything_wildcard_int
    {
      name: 'matches when anything-but wildcard meets a number',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] } },
      event: { detail: { FilePath: 123 } },
      matches: true,
    },
    // content_anything_wildcard_empty
    {
      name: 'matches when anything-but of an empty wildcard meets a non-empty string',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '' } }] } },
      event: { detail: { FilePath: 'dir/init/file' } },
      matches: true,
    },
    // content_anything_but_number_zero
    {
      name: 'matches when anything-but 0 meets another number',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 0 }] } },
      event: { detail: { 'x-limit': 789 } },
      matches: true,
    },
    // exists_list_empty_NEG
    {
      name: 'does not match when exists true meets an empty array',
      pattern: { resources: [{ exists: true }] },
      event: autoscalingLaunch,
      matches: false,
    },
    // exists_list_empty
    {
      name: 'matches when exists false meets an empty array',
      pattern: { resources: [{ exists: false }] },
      event: autoscalingLaunch,
      matches: true,
    },
    // arrays_empty_null_NEG
    {
      name: 'does not match when null meets an empty array',
      pattern: { resources: [null] },
      event: autoscalingLaunch,
      matches: false,
    },
    // exists_dynamodb_NEG: "Exists matching only works on leaf nodes"
    {
      name: 'does not match when exists true meets an object',
      pattern: { dynamodb: { presentKey: [{ exists: true }] } },
      event: { dynamodb: { id: { S: 'test1234' }, presentKey: { S: 'test123' } } },
      matches: false,
    },
    // content_exists_false: the pattern descends through a scalar
    {
      name: 'matches when exists false sits below a scalar in the event',
      pattern: { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } },
      event: { detail: { level1: { level2: 'l2 value' } } },
      matches: true,
    },
    // list_within_dict
    {
      name: 'matches when exists true holds in one element of an object array',
      pattern: { detail: { automations: { id: [{ exists: true }] } } },
      event: {
        detail: { automations: [{ key1: 'value1' }, { id: 'match-does-exist' }, { key2: 'value2' }] },
      },
      matches: true,
    },
    // numeric-string_NEG
    {
      name: 'does not match when numeric meets a numeric string',
      pattern: { number: [{ numeric: ['>', 100] }] },
      event: { number: '101' },
      matches: false,
    },
    // numeric-null_NEG
    {
      name: 'does not match when numeric meets null',
      pattern: { number: [{ numeric: ['>', 100] }] },
      event: { number: null },
      matches: false,
    },
    // numeric-int-float
    {
      name: 'matches when numeric > 100 meets 101.0',
      pattern: { number: [{ numeric: ['>', 100] }] },
      event: JSON.parse('{"number": 101.0}'),
      matches: true,
    },
    // number_comparison_float: contradicts "300, 300.0 and 3.0e2 are not considered equal" in the guide
    {
      name: 'matches when the exact number 300 meets 300.0',
      pattern: { number: [300] },
      event: JSON.parse('{"number": 300.0}'),
      matches: true,
    },
    // or-anything-but
    {
      name: 'matches when one of anything-but and exists false holds',
      pattern: {
        dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } },
      },
      event: { dynamodb: { NewImage: { homemade: { S: 'ABCD', N: '1234' } } } },
      matches: true,
    },
    // or-exists-parent
    {
      name: 'matches when the parent of an exists false leaf is missing',
      pattern: {
        dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } },
      },
      event: { dynamodb: { NewImage: { purchased: { N: '789' } } } },
      matches: true,
    },
    // nested_json_NEG
    {
      name: 'does not match when detail is a JSON string rather than an object',
      pattern: { detail: { 'my-key': ['my-value'] } },
      event: { detail: '{"my-key": "my-value"}' },
      matches: false,
    },
    // content_ip_address_bad_type_NEG
    {
      name: 'does not match when cidr meets a number',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: { detail: { sourceIPAddress: 123 } },
      matches: false,
    },
  ]);
});

describe('matchesPattern: types, presence and arrays', () => {
  runCases([
    {
      name: 'does not match when the exact string "5" meets the number 5',
      pattern: { n: ['5'] },
      event: { n: 5 },
      matches: false,
    },
    {
      name: 'does not match when the exact number 5 meets the string "5"',
      pattern: { n: [5] },
      event: { n: '5' },
      matches: false,
    },
    {
      name: 'matches when the boolean false meets false',
      pattern: { readOnly: [false] },
      event: { readOnly: false },
      matches: true,
    },
    {
      name: 'does not match when the boolean false meets the string "false"',
      pattern: { readOnly: [false] },
      event: { readOnly: 'false' },
      matches: false,
    },
    {
      name: 'does not match when a nested pattern meets a scalar',
      pattern: { userIdentity: { type: ['Root'] } },
      event: { userIdentity: 'Root' },
      matches: false,
    },
    {
      name: 'does not match when a value list meets an object',
      pattern: { userIdentity: ['Root'] },
      event: { userIdentity: { type: 'Root' } },
      matches: false,
    },
    {
      name: 'matches when exists true meets a scalar',
      pattern: { errorCode: [{ exists: true }] },
      event: { errorCode: 'AccessDenied' },
      matches: true,
    },
    {
      name: 'matches when exists true meets null',
      pattern: { errorCode: [{ exists: true }] },
      event: { errorCode: null },
      matches: true,
    },
    {
      name: 'does not match when exists false meets null',
      pattern: { errorCode: [{ exists: false }] },
      event: { errorCode: null },
      matches: false,
    },
    {
      name: 'does not match when exists false meets an array of scalars',
      pattern: { resources: [{ exists: false }] },
      event: { resources: ['arn:aws:s3:::bucket'] },
      matches: false,
    },
    {
      name: 'matches when an empty prefix meets an empty string',
      pattern: { key: [{ prefix: '' }] },
      event: { key: '' },
      matches: true,
    },
    {
      name: 'does not match when an empty prefix meets null',
      pattern: { key: [{ prefix: '' }] },
      event: { key: null },
      matches: false,
    },
    {
      name: 'does not match when "" meets a missing field',
      pattern: { key: [''] },
      event: {},
      matches: false,
    },
    {
      name: 'does not match when prefix meets a number',
      pattern: { key: [{ prefix: '12' }] },
      event: { key: 123 },
      matches: false,
    },
    {
      name: 'matches when any element of an event array matches the leaf',
      pattern: { eventName: [{ prefix: 'Delete' }] },
      event: { eventName: ['CreateUser', 'DeleteUser'] },
      matches: true,
    },
    {
      name: 'matches when anything-but meets an array holding one allowed element',
      pattern: { tags: [{ 'anything-but': 'secret' }] },
      event: { tags: ['secret', 'public'] },
      matches: true,
    },
    {
      name: 'does not match when anything-but meets an array of only excluded elements',
      pattern: { tags: [{ 'anything-but': 'secret' }] },
      event: { tags: ['secret', 'secret'] },
      matches: false,
    },
    {
      name: 'matches when a value of a nested event array matches',
      pattern: { ids: [3] },
      event: { ids: [[1, 2], [3]] },
      matches: true,
    },
    {
      name: 'matches when a leaf list mixes an exact value and an operator',
      pattern: { eventName: ['StopLogging', { prefix: 'Delete' }] },
      event: { eventName: 'DeleteTrail' },
      matches: true,
    },
    {
      name: 'matches when equals-ignore-case compares non-ASCII text',
      pattern: { name: [{ 'equals-ignore-case': 'ÉTÉ' }] },
      event: { name: 'été' },
      matches: true,
    },
    {
      name: 'matches when numeric = uses EventBridge precision of six decimals',
      pattern: { n: [{ numeric: ['=', 0.1] }] },
      event: { n: 0.1000000001 },
      matches: true,
    },
    {
      name: 'does not match when a number is beyond the numeric range limit',
      pattern: { n: [{ numeric: ['>', 0] }] },
      event: { n: 6e9 },
      matches: false,
    },
    {
      name: 'matches when a large exact number meets the same number',
      pattern: { account: [123456789012] },
      event: { account: 123456789012 },
      matches: true,
    },
    {
      name: 'does not match when an IPv4 cidr meets a malformed address',
      pattern: { ip: [{ cidr: '10.0.0.0/8' }] },
      event: { ip: '10.0.0.256' },
      matches: false,
    },
    {
      name: 'matches when an IPv6 cidr meets an IPv4-mapped address',
      pattern: { ip: [{ cidr: '::ffff:0:0/96' }] },
      event: { ip: '::ffff:10.1.2.3' },
      matches: true,
    },
    {
      name: 'does not match when an inherited property name is asked to exist',
      pattern: { constructor: [{ exists: true }] },
      event: {},
      matches: false,
    },
    {
      name: 'matches when an own __proto__ field holds the value',
      pattern: JSON.parse('{"__proto__": ["x"]}'),
      event: JSON.parse('{"__proto__": "x"}'),
      matches: true,
    },
  ]);
});

describe('matchesPattern: odd events', () => {
  const patterns: EventPattern[] = [
    { eventName: [{ exists: false }] },
    { eventName: [{ 'anything-but': 'x' }] },
    { detail: { eventName: ['StopLogging'] } },
  ];
  const oddEvents: unknown[] = [undefined, null, 42, 'StopLogging', true, [], [{ eventName: 'StopLogging' }]];

  it.each(patterns)('returns false when the event is not an object (pattern %j)', (pattern) => {
    // Prepare
    const compiled = compilePattern(pattern);

    // Act
    const results = oddEvents.map((event) => compiled(event));

    // Assess
    expect(results).toEqual(oddEvents.map(() => false));
  });

  it('does not throw when an event array is nested very deeply', () => {
    // Prepare
    let deep: unknown = 'StopLogging';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const event = { eventName: deep, detail: { eventName: deep } };

    // Act
    const leaf = matchesPattern({ eventName: ['StopLogging'] }, event);
    const nested = matchesPattern({ detail: { eventName: { x: [{ exists: false }] } } }, event);

    // Assess
    expect(leaf).toBe(false);
    expect(nested).toBe(true);
  });

  it('returns false when reading the event throws', () => {
    // Prepare
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );

    // Act
    const result = matchesPattern({ eventName: ['StopLogging'] }, hostile);

    // Assess
    expect(result).toBe(false);
  });
});

describe('compilePattern and matchesPattern', () => {
  it('returns the same answers when the pattern is matched again from the cache', () => {
    // Prepare
    const pattern: EventPattern = { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] };
    const hit = { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' };
    const miss = { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StartLogging' };

    // Act
    const answers = [hit, miss, hit, miss].map((event) => matchesPattern(pattern, event));

    // Assess
    expect(answers).toEqual([true, false, true, false]);
  });

  it('throws InvalidPatternError when matching with a malformed pattern', () => {
    // Prepare
    const pattern = { eventName: 'StopLogging' } as unknown as EventPattern;

    // Act
    const act = () => matchesPattern(pattern, { eventName: 'StopLogging' });

    // Assess
    expect(act).toThrow(InvalidPatternError);
  });
});

describe('validatePattern', () => {
  const where = 'rule cloudtrail.logging-stopped';
  const cases: { name: string; pattern: unknown; message: string }[] = [
    {
      name: 'names the element and operator when an operator is unknown',
      pattern: { detail: { eventName: ['StopLogging', 'DeleteTrail', { prefx: 'Stop' }] } },
      message: 'match.detail.eventName[2]: unknown operator "prefx"',
    },
    {
      name: 'rejects a leaf when it is not an array',
      pattern: { eventName: 'StopLogging' },
      message: 'match.eventName: must be an object or an array, got string "StopLogging"',
    },
    {
      name: 'rejects a leaf when its array is empty',
      pattern: { eventName: [] },
      message: 'match.eventName: empty arrays are not allowed',
    },
    {
      name: 'rejects the pattern when it is empty',
      pattern: {},
      message: 'match: empty objects are not allowed',
    },
    {
      name: 'rejects a nested object when it is empty',
      pattern: { userIdentity: {} },
      message: 'match.userIdentity: empty objects are not allowed',
    },
    {
      name: 'rejects the pattern when it is an array',
      pattern: [{ eventName: ['StopLogging'] }],
      message: 'match: must be an object, got an array',
    },
    {
      name: 'rejects a match value when it is an array',
      pattern: { eventName: [['StopLogging']] },
      message:
        'match.eventName[0]: match values must be a string, number, boolean, null or an operator object, got an array',
    },
    {
      name: 'rejects an operator object when it holds two operators',
      pattern: { eventName: [{ prefix: 'Stop', suffix: 'Logging' }] },
      message: 'match.eventName[0]: an operator object needs exactly one operator, got prefix, suffix',
    },
    {
      name: 'rejects a numeric range when its bounds are reversed',
      pattern: { n: [{ numeric: ['>', 5, '<', 1] }] },
      message: 'match.n[0].numeric: the lower bound 5 must be less than the upper bound 1',
    },
    {
      name: 'rejects a numeric range when its second operator is not an upper bound',
      pattern: { n: [{ numeric: ['>', 0, '>', 0] }] },
      message: 'match.n[0].numeric[2]: a numeric range must end with "<" or "<=", got ">"',
    },
    {
      name: 'rejects a numeric range when it starts with an upper bound',
      pattern: { n: [{ numeric: ['<', 10, '<', 20] }] },
      message: 'match.n[0].numeric[0]: a numeric range must start with ">" or ">=", got "<"',
    },
    {
      name: 'rejects a numeric value when it is a string',
      pattern: { n: [{ numeric: ['>', '5'] }] },
      message: 'match.n[0].numeric[1]: value of > must be a number, got string "5"',
    },
    {
      name: 'rejects a numeric condition when its value is missing',
      pattern: { n: [{ numeric: ['>', 0, '<'] }] },
      message:
        'match.n[0].numeric: must be [operator, number] or [">" | ">=", low, "<" | "<=", high], got 3 elements',
    },
    {
      name: 'rejects a numeric operator when it is unknown',
      pattern: { n: [{ numeric: ['!=', 5] }] },
      message: 'match.n[0].numeric[0]: unknown numeric operator "!="',
    },
    {
      name: 'rejects a numeric value when it is beyond EventBridge limits',
      pattern: { n: [{ numeric: ['<', 6e9] }] },
      message: 'match.n[0].numeric[1]: numbers must be between -5000000000 and 5000000000, got 6000000000',
    },
    {
      name: 'rejects a CIDR when it has no mask',
      pattern: { ip: [{ cidr: '10.0.0.1' }] },
      message: 'match.ip[0].cidr: malformed CIDR "10.0.0.1", one "/" required',
    },
    {
      name: 'rejects a CIDR when its mask is not an integer',
      pattern: { ip: [{ cidr: '10.0.0.0/x' }] },
      message: 'match.ip[0].cidr: malformed CIDR "10.0.0.0/x", mask bits must be an integer',
    },
    {
      name: 'rejects a CIDR when its address is not an IP address',
      pattern: { ip: [{ cidr: 'xx.11.xx/24' }] },
      message: 'match.ip[0].cidr: nonstandard IP address "xx.11.xx"',
    },
    {
      name: 'rejects an IPv4 CIDR when its mask is longer than 32 bits',
      pattern: { ip: [{ cidr: '10.0.0.0/33' }] },
      message: 'match.ip[0].cidr: malformed CIDR "10.0.0.0/33", an IPv4 mask has at most 32 bits',
    },
    {
      name: 'rejects an IPv6 CIDR when its address is malformed',
      pattern: { ip: [{ cidr: 'xxxx:db8:1234:1a00::/56' }] },
      message: 'match.ip[0].cidr: nonstandard IP address "xxxx:db8:1234:1a00::"',
    },
    {
      name: 'rejects a wildcard when it has consecutive stars',
      pattern: { arn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] },
      message: 'match.arn[0].wildcard: consecutive wildcard characters at position 25',
    },
    {
      name: 'rejects a wildcard when it escapes another character',
      pattern: { path: [{ wildcard: 'C:\\Users' }] },
      message: 'match.path[0].wildcard: invalid escape at position 2: only \\* and \\\\ are allowed',
    },
    {
      name: 'rejects a wildcard when it is not a string',
      pattern: { arn: [{ wildcard: ['a*'] }] },
      message: 'match.arn[0].wildcard: wildcard match pattern must be a string, got an array',
    },
    {
      name: 'rejects $or when it has one alternative',
      pattern: { $or: [{ eventName: ['StopLogging'] }] },
      message: 'match.$or: must hold at least 2 alternatives, got 1',
    },
    {
      name: 'rejects $or when it is not an array',
      pattern: { $or: { eventName: ['StopLogging'] } },
      message: 'match.$or: must be an array of at least 2 objects, got an object',
    },
    {
      name: 'rejects an $or alternative when it is not an object',
      pattern: { $or: [{ eventName: ['StopLogging'] }, 'DeleteTrail'] },
      message: 'match.$or[1]: must be an object, got string "DeleteTrail"',
    },
    {
      name: 'rejects a field inside $or when it is named like an operator',
      pattern: { detail: { $or: [{ prefix: ['a'] }, { eventName: ['b'] }] } },
      message:
        'match.detail.$or[0].prefix: "prefix" is a reserved operator name and cannot be a field name inside $or',
    },
    {
      name: 'rejects exists when it is not a boolean',
      pattern: { errorCode: [{ exists: 'yes' }] },
      message: 'match.errorCode[0].exists: exists must be true or false, got string "yes"',
    },
    {
      name: 'rejects an anything-but list when it mixes strings and numbers',
      pattern: { x: [{ 'anything-but': ['a', 1] }] },
      message: 'match.x[0].anything-but: an anything-but list must hold only strings or only numbers',
    },
    {
      name: 'rejects an anything-but list when it is empty',
      pattern: { x: [{ 'anything-but': [] }] },
      message: 'match.x[0].anything-but: empty arrays are not allowed',
    },
    {
      name: 'rejects anything-but when its value is null',
      pattern: { x: [{ 'anything-but': null }] },
      message:
        'match.x[0].anything-but: must be a string, a number, a list of them, or an operator object, got null',
    },
    {
      name: 'rejects anything-but prefix when it is empty',
      pattern: { x: [{ 'anything-but': { prefix: '' } }] },
      message: 'match.x[0].anything-but.prefix: an empty prefix is not allowed in anything-but',
    },
    {
      name: 'rejects anything-but prefix when it nests equals-ignore-case',
      pattern: { x: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] },
      message:
        'match.x[0].anything-but.prefix: must be a string or a non-empty list of strings, got an object',
    },
    {
      name: 'rejects anything-but when it wraps an unsupported operator',
      pattern: { x: [{ 'anything-but': { numeric: ['>', 1] } }] },
      message: 'match.x[0].anything-but.numeric: unsupported anything-but operator "numeric"',
    },
    {
      name: 'rejects an anything-but wildcard list when one wildcard has consecutive stars',
      pattern: { x: [{ 'anything-but': { wildcard: ['*/lib/*', 'a**b'] } }] },
      message: 'match.x[0].anything-but.wildcard[1]: consecutive wildcard characters at position 1',
    },
    {
      name: 'rejects equals-ignore-case when it is a list',
      pattern: { 'detail-type': [{ 'equals-ignore-case': ['ec2 instance state-change notification'] }] },
      message:
        'match.detail-type[0].equals-ignore-case: equals-ignore-case match pattern must be a string, got an array',
    },
    {
      name: 'rejects prefix when it is a list',
      pattern: { time: [{ prefix: ['2022-07-13'] }] },
      message: 'match.time[0].prefix: prefix match pattern must be a string, got an array',
    },
    {
      name: 'rejects suffix when it nests an operator other than equals-ignore-case',
      pattern: { key: [{ suffix: { wildcard: '*.png' } }] },
      message:
        'match.key[0].suffix: only {"equals-ignore-case": "..."} is allowed inside suffix, got wildcard',
    },
    {
      name: 'quotes path segments when field names are not identifiers',
      pattern: { 'a.b': { 'c d': [{ x: 1 }] } },
      message: 'match["a.b"]["c d"][0]: unknown operator "x"',
    },
  ];

  it.each(cases)('$name', ({ pattern, message }) => {
    // Prepare
    let error: unknown;

    // Act
    try {
      validatePattern(pattern, where);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect((error as InvalidPatternError).message).toBe(`${where}: ${message}`);
  });

  it('exposes where, path and reason when a pattern is invalid', () => {
    // Prepare
    const pattern = { detail: { eventName: [{ prefx: 'Stop' }] } };

    // Act
    const act = () => validatePattern(pattern, where);

    // Assess
    expect(act).toThrow(
      expect.objectContaining({
        name: 'InvalidPatternError',
        where,
        path: 'match.detail.eventName[0]',
        reason: 'unknown operator "prefx"',
      }),
    );
  });

  it('uses the given root name when one is passed', () => {
    // Prepare
    const pattern = { detail: [] };

    // Act
    const act = () => validatePattern(pattern, 'compiled group 1', 'pattern');

    // Assess
    expect(act).toThrow('compiled group 1: pattern.detail: empty arrays are not allowed');
  });

  it('accepts every operator when each is well formed', () => {
    // Prepare
    const pattern = {
      eventSource: ['cloudtrail.amazonaws.com'],
      eventName: ['StopLogging', { prefix: 'Delete' }, { suffix: { 'equals-ignore-case': 'trail' } }],
      errorCode: [{ exists: false }],
      awsRegion: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }],
      sourceIPAddress: [{ cidr: '2001:db8::/32' }, { cidr: '10.0.0.0/8' }],
      userAgent: [{ wildcard: '*aws-cli/\\**' }, { 'equals-ignore-case': 'console.amazonaws.com' }],
      readOnly: [false, null],
      requestParameters: { n: [{ numeric: ['>=', -5e9, '<', 5e9] }, { 'anything-but': [1, 2] }] },
      $or: [
        { userIdentity: { type: ['Root'] } },
        { userIdentity: { type: [{ 'anything-but': 'AWSService' }] } },
      ],
    };

    // Act
    const act = () => validatePattern(pattern, where);

    // Assess
    expect(act).not.toThrow();
  });
});
