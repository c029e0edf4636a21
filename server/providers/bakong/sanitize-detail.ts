/** Details end up in logs and delivery rows: never more than this of a body. */
export const MAX_DETAIL_CHARS = 200;

// C0 controls, DEL and unpaired surrogates. PostgreSQL text refuses NUL,
// and parser messages quote the offending character verbatim.
const UNSAFE = new RegExp(
  [
    '[\\u0000-\\u001f\\u007f]',
    '[\\ud800-\\udbff](?![\\udc00-\\udfff])',
    '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  ].join('|'),
  'g',
);

const escape = (char: string) =>
  `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Makes a diagnostic safe to store and log: unsafe characters are written
 * as `\uXXXX` and the text is cut to `max` characters, so a hostile or huge
 * body cannot flood the logs or break an insert through an error message.
 */
export function sanitizeDetail(text: string, max = MAX_DETAIL_CHARS): string {
  const safe = text.replace(UNSAFE, escape);
  if (safe.length <= max) return safe;
  let cut = safe.slice(0, max - 1);
  // Never leave half of a surrogate pair at the cut.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
