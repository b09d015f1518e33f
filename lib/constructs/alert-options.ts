/** IAM account alias rules: 3-63 lower-case letters, digits and hyphens, no hyphen at either end. */
const ALIAS = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

/**
 * The `TRAILGUARD_ACCOUNT_ALIAS` value for the `accountAlias` context: either one alias for the account the stack is
 * deployed in (`prod-payments`), or `account=alias` pairs for findings from several accounts (an organization
 * trail): `111122223333=prod-payments,444455556666=staging`. Throws with the expected form on anything else.
 */
export function accountAliasValue(value: string, deploymentAccount: string): string {
  const hint =
    'pass -c accountAlias=prod-payments (this account) or -c accountAlias=111122223333=prod,444455556666=staging';
  if (!value.includes('=')) {
    if (!ALIAS.test(value)) {
      throw new Error(
        `accountAlias "${value}" is not an IAM account alias (3-63 of a-z, 0-9, -; no - at either end); ${hint}`,
      );
    }
    return `${deploymentAccount}=${value}`;
  }
  const pairs = value.split(',').map((pair) => pair.trim());
  for (const pair of pairs) {
    const [account, alias, extra] = pair.split('=');
    if (extra !== undefined || !account || !/^\d{12}$/.test(account) || !alias || !ALIAS.test(alias)) {
      throw new Error(`accountAlias entry "${pair}" must be a 12-digit account id = alias; ${hint}`);
    }
  }
  return pairs.join(',');
}
