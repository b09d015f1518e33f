import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, Rule } from '../../engine/types';
import { accountOf, actorLabel, field, fromSource, isAwsServicePrincipal, noRemediation } from '../helpers';
import {
  externalPrincipalAccounts,
  isPublicStatement,
  parsePolicyDocument,
  statementsOf,
} from '../policy-document';
import { secretName } from './secret-retrieval-burst';

/** `anyone` and `account N` for every outsider the resource policy lets in, `anyone` first. */
export function outsiders(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): string[] {
  const policy = parsePolicyDocument(field(event, 'requestParameters', 'resourcePolicy'));
  if (policy === undefined) return [];
  const own = accountOf(event);
  const found = new Set<string>();
  for (const statement of statementsOf(policy)) {
    if (isPublicStatement(statement)) found.add('anyone');
    for (const account of externalPrincipalAccounts(statement, own, context.trustedAccounts))
      found.add(`account ${account}`);
  }
  return [...found].sort((a, b) => (a === 'anyone' ? -1 : b === 'anyone' ? 1 : a.localeCompare(b)));
}

export const rule: Rule = {
  id: 'secretsmanager.resource-policy-opened',
  title: 'Secret resource policy opened to outsiders',
  description:
    'A successful `PutResourcePolicy` on a Secrets Manager secret allows principals outside the account: ' +
    '`Principal: "*"` (or `AWS: "*"`, or any `NotPrincipal`) without a condition pinning known callers or ' +
    'networks, or an AWS principal in another 12-digit account. Either lets the outsider read the secret with ' +
    'their own credentials, a quiet exfiltration and persistence path that survives every credential rotation in ' +
    'this account. Accounts listed in `context/trusted-accounts` do not count; every other account does, since ' +
    'one event cannot tell a partner from a stranger. Policies are read as JSON or URL-encoded JSON; one that cannot be read does not match.',
  severity: 'high',
  attack: ['T1537', 'T1098'],
  match: {
    eventSource: ['secretsmanager.amazonaws.com'],
    eventName: ['PutResourcePolicy'],
    errorCode: [{ exists: false }],
  },
  predicate: (event, context) => !isAwsServicePrincipal(event) && outsiders(event, context).length > 0,
  summarize: (event, context) => {
    const who = outsiders(event, context);
    const shown = who.slice(0, 3).join(', ') + (who.length > 3 ? ` and ${who.length - 3} more` : '');
    return `${actorLabel(event)} let ${shown} read secret ${secretName(event)}${fromSource(event)}.`;
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A secret’s own policy now admits principals from outside the account. Check whether the outside account is ' +
    'a known one (another account of your organization that really needs the secret, which also needs access to ' +
    'the secret’s KMS key) and whether the change came through the usual pipeline. A `*` principal without a ' +
    'condition is never right. Look for reads from the outside (`GetSecretValue` events on this secret with a ' +
    '`userIdentity.accountId` that is not yours) since the change. Respond if not expected: restore or delete the ' +
    'resource policy (`aws secretsmanager delete-resource-policy --secret-id …`), rotate the secret, and review ' +
    'the actor.',
  falsePositives: ['Secrets deliberately shared with other accounts of the same organization.'],
  stratus: [],
  references: { panther: [], sigma: [] },
};
