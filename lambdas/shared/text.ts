/**
 * Text from CloudTrail is attacker-controlled. These helpers make it safe to show and to cap, for every place
 * that shows it (rule summaries, findings, emails): one definition, so a character class fixed here is fixed
 * everywhere.
 */

// C0 and C1 controls, DEL, the Arabic letter mark, zero-width and bidirectional formatting characters (which can
// reorder what a reader sees), line and paragraph separators, word joiners and the byte-order mark.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Removes half surrogate pairs, which are not valid UTF-8 and make `encodeURIComponent` throw. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '');
}

/** Caps `text` at `max` UTF-16 units (ellipsis included) without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * One line of safe text: unsafe characters become spaces, whitespace runs collapse, half pairs go, and the result
 * is capped at `max`. Work is bounded before the regexes, so a 10 MB field costs no more than a short one.
 */
export function cleanText(value: unknown, max: number): string {
  if (value === undefined || value === null) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.slice(0, max * 4 + 8);
  text = wellFormed(text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim());
  return truncate(text, max);
}
