import { cleanText } from '../shared/text';

/**
 * Every string that came from CloudTrail (or from the findings bus) is untrusted. Before it goes into an email
 * it is made single-line, stripped of control and bidi characters, and capped (see `shared/text.ts`).
 */
export function clean(value: unknown, max = 256): string {
  return cleanText(value, max);
}

/** SNS subjects: ASCII printable only, no line breaks, under 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;

export function subjectLine(text: string): string {
  const ascii = cleanText(text, 2000)
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (ascii.length <= MAX_SUBJECT_LENGTH) return ascii || 'TrailGuard alert';
  return `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
}
