import { describe, expect, it } from 'vitest';

import { MAX_DETAIL_CHARS, sanitizeDetail } from './sanitize-detail';

describe('sanitizeDetail', () => {
  it('leaves a short printable message unchanged', () => {
    expect(sanitizeDetail('data.hash: is missing')).toBe(
      'data.hash: is missing',
    );
  });

  it('writes NUL, other controls and DEL as \\u escapes', () => {
    expect(sanitizeDetail("got '\u0000' then '\n' then '\u007f'")).toBe(
      "got '\\u0000' then '\\u000a' then '\\u007f'",
    );
  });

  it('escapes unpaired surrogates and keeps paired ones', () => {
    expect(sanitizeDetail('a\ud83d b\ude00 c😀')).toBe('a\\ud83d b\\ude00 c😀');
  });

  it('cuts long text to the limit, ending with an ellipsis', () => {
    const detail = sanitizeDetail('x'.repeat(5000));
    expect(detail).toBe(`${'x'.repeat(MAX_DETAIL_CHARS - 1)}…`);
    expect(detail.length).toBe(200);
  });

  it('does not split a surrogate pair at the cut', () => {
    expect(sanitizeDetail(`abc😀😀`, 5)).toBe('abc…');
  });
});
