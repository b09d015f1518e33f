/**
 * ARN patterns as operators write them in SSM lists (protected principals, per-rule allowed principals): `*`
 * matches any run of characters, everything else is literal, and the comparison ignores case, as IAM names are
 * unique regardless of case.
 */
const compiled = new Map<string, RegExp>();

export function arnMatches(pattern: string, arn: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i');
    // Patterns come from a short configured list; the bound only guards against an unbounded caller.
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(arn);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
