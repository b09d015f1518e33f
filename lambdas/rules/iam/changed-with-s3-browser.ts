import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  disableActorAccessKey,
  fromSource,
  quarantineActor,
  quoted,
  requestString,
  userAgentOf,
} from '../helpers';

const EVENTS = ['CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'GetLoginProfile', 'PutUserPolicy'];

/** S3 Browser (a Windows S3 client) writes `S3 Browser` and its version into the user agent. */
export function isS3Browser(event: CloudTrailRecord): boolean {
  return /s3 ?browser/i.test(userAgentOf(event));
}

export const rule: Rule = {
  id: 'iam.changed-with-s3-browser',
  title: 'IAM users or credentials managed with S3 Browser',
  description:
    'IAM user management (`CreateUser`, `CreateAccessKey`, `CreateLoginProfile`, `GetLoginProfile`, ' +
    '`PutUserPolicy`) from a client whose user agent names S3 Browser, a Windows S3 client with a built-in IAM ' +
    'user editor and policy templates. Incident reports (the "GUI-vil" actor) show attackers with stolen keys using ' +
    'it to create backdoor users and keys; administrators rarely manage IAM with it. Failed calls count too: an ' +
    'attempt shows intent. The user agent is chosen by the caller, so this rule finds the tool when it is not ' +
    'disguised, and nothing when it is.',
  severity: 'high',
  attack: ['T1136.003', 'T1098.001', 'T1078.004'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: EVENTS,
    // EventBridge wildcards are case-sensitive: the usual spellings pre-filter, the predicate decides.
    userAgent: ['S3 Browser', 'S3Browser', 's3 browser', 's3browser'].map((w) => ({ wildcard: `*${w}*` })),
  },
  predicate: isS3Browser,
  summarize: (event) => {
    const user = requestString(event, 'userName');
    const target = user === undefined ? '' : ` for IAM user ${quoted(user)}`;
    const failed =
      typeof event.errorCode === 'string' ? ` (failed: ${clean(event.errorCode, 64) ?? 'error'})` : '';
    return (
      `${actorLabel(event)} called iam:${clean(event.eventName, 64) ?? 'unknown'}${target} with S3 Browser` +
      `${failed}${fromSource(event)}.`
    );
  },
  remediation: (event) => [
    ...quarantineActor(event, 'it managed IAM users with S3 Browser'),
    ...disableActorAccessKey(event, 'it was used to manage IAM users with S3 Browser'),
  ],
  defaultMode: 'alert',
  runbook:
    'Someone used S3 Browser to create or inspect IAM users and their credentials. Unless your team uses S3 ' +
    'Browser for IAM work (ask), treat the actor’s credentials as stolen: attackers paste leaked keys into such ' +
    'GUI tools. Investigate: the source address, every call made with the same access key ' +
    '(`userIdentity.accessKeyId`), and the users, keys, passwords and policies created. Respond: quarantine the ' +
    'actor and deactivate its key (TrailGuard’s plan), quarantine users it created and deactivate their keys, ' +
    'delete login profiles it set, and find where the key leaked from.',
  falsePositives: ['Administrators who really use S3 Browser’s IAM user editor (rare; confirm with them).'],
  stratus: [],
  references: {
    panther: [],
    sigma: [
      'AWS IAM S3Browser LoginProfile Creation',
      'AWS IAM S3Browser User or AccessKey Creation',
      'AWS IAM S3Browser Templated S3 Bucket Policy Creation',
    ],
  },
};
