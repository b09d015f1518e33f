import { arnMatches } from './arn-pattern';
import { compilePattern, InvalidPatternError } from './pattern/match';
import type { CloudTrailRecord, DetectionContext, RuleSettings } from './types';

/** A CIDR as `trustedNetworks` accepts it: IPv4 or IPv6 address, `/`, mask bits. Checked again by the matcher. */
const CIDR_SHAPE = /^[0-9A-Fa-f.:]+\/\d{1,3}$/;

/** A trusted network that is not a valid CIDR. */
export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';
}

/** Why `entry` cannot be a trusted account (a 12-digit AWS account id), or `undefined` when it can. */
export function trustedAccountProblem(entry: string): string | undefined {
  return /^\d{12}$/.test(entry) ? undefined : `${JSON.stringify(entry)} is not a 12-digit AWS account id`;
}

/**
 * Why `cidr` cannot be a trusted network, or `undefined` when it can. The event-pattern matcher's own `cidr`
 * operator decides (one implementation of address parsing), so what is accepted here is exactly what matches.
 */
export function trustedNetworkProblem(cidr: string): string | undefined {
  if (!CIDR_SHAPE.test(cidr)) return `${JSON.stringify(cidr)} is not a CIDR (e.g. 203.0.113.0/24)`;
  try {
    compilePattern({ ip: [{ cidr }] }, 'trusted network');
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidPatternError)) throw error;
    return `${JSON.stringify(cidr)} is not a valid CIDR: ${error.reason}`;
  }
}

/** Builds a `DetectionContext`; a network `trustedNetworkProblem` rejects throws `InvalidCidrError` naming it. */
export function detectionContext(input: {
  readonly trustedAccounts?: Iterable<string>;
  readonly trustedNetworks?: readonly string[];
}): DetectionContext {
  const networks = [...(input.trustedNetworks ?? [])];
  for (const cidr of networks) {
    const problem = trustedNetworkProblem(cidr);
    if (problem !== undefined) throw new InvalidCidrError(problem);
  }
  const matcher =
    networks.length === 0 ? undefined : compilePattern({ ip: networks.map((cidr) => ({ cidr })) });
  return {
    trustedAccounts: new Set(input.trustedAccounts ?? []),
    trustedNetworks: networks,
    isTrustedAddress: (address) => matcher?.({ ip: address }) === true,
  };
}

/** Nothing trusted: every other account is an outsider, every public address is outside. */
export const NO_CONTEXT: DetectionContext = detectionContext({});

/**
 * Whether a rule's `allowPrincipals` covers the event's actor: the acting ARN (user, session) or, for a role
 * session, its role's ARN (session issuer). The root user is never allowed: a leaked root credential must not be
 * silenced by a pattern such as `*`.
 */
export function isAllowedPrincipal(settings: RuleSettings, event: CloudTrailRecord): boolean {
  const patterns = settings.allowPrincipals;
  if (patterns === undefined || patterns.length === 0) return false;
  const identity = event.userIdentity;
  if (identity === undefined || identity.type === 'Root') return false;
  const arns = [identity.arn, identity.sessionContext?.sessionIssuer?.arn].filter(
    (a): a is string => typeof a === 'string' && a.length > 0 && !/:root$/.test(a),
  );
  return arns.some((arn) => patterns.some((pattern) => arnMatches(pattern, arn)));
}
