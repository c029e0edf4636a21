import { describe, expect, it } from 'vitest';

import { decodeUtf8 } from './decode-utf8';

const bytes = (...values: number[]) => Buffer.from(values);

describe('decodeUtf8', () => {
  it('decodes multi-byte characters exactly', () => {
    expect(decodeUtf8(Buffer.from('{"d":"café 😀 ៛"}'))).toEqual({
      ok: true,
      value: '{"d":"café 😀 ៛"}',
    });
  });

  it('drops one leading BOM', () => {
    const body = Buffer.concat([bytes(0xef, 0xbb, 0xbf), Buffer.from('{}')]);
    expect(decodeUtf8(body)).toEqual({ ok: true, value: '{}' });
  });

  it('keeps a second BOM as content', () => {
    const bom = bytes(0xef, 0xbb, 0xbf);
    const body = Buffer.concat([bom, bom, Buffer.from('{}')]);
    expect(decodeUtf8(body)).toEqual({ ok: true, value: '\uFEFF{}' });
  });

  it('keeps a BOM that is not at the start', () => {
    const body = Buffer.concat([Buffer.from('{}'), bytes(0xef, 0xbb, 0xbf)]);
    expect(decodeUtf8(body)).toEqual({ ok: true, value: '{}\uFEFF' });
  });

  it('decodes an empty body to an empty string', () => {
    expect(decodeUtf8(Buffer.alloc(0))).toEqual({ ok: true, value: '' });
  });

  it.each([
    ['a lone 0xff byte', [0x7b, 0xff, 0x7d]],
    ['a truncated two-byte sequence', [0x22, 0xc3]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded as UTF-8', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s', (_name, values) => {
    expect(decodeUtf8(bytes(...values))).toEqual({
      ok: false,
      reason: 'invalid_utf8',
      detail: `body of ${values.length} bytes is not valid UTF-8`,
    });
  });

  it('is not left broken by an earlier failure', () => {
    decodeUtf8(bytes(0xe2, 0x82));
    expect(decodeUtf8(Buffer.from('€'))).toEqual({ ok: true, value: '€' });
  });
});
