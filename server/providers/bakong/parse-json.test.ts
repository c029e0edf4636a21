import { LosslessNumber } from 'lossless-json';
import { afterEach, describe, expect, it } from 'vitest';

import { MAX_DEPTH, parseJson } from './parse-json';

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const nestedObjects = (depth: number) =>
  '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('parseJson: numbers', () => {
  it('keeps every number token as its exact text', () => {
    const result = parseJson(
      '{"a":4.5,"b":1767244555000.0,"c":123456789012345678901,' +
        '"d":12.300000000000001,"e":-0,"f":1E+2}',
    );
    expect(result).toEqual({
      ok: true,
      value: {
        a: new LosslessNumber('4.5'),
        b: new LosslessNumber('1767244555000.0'),
        c: new LosslessNumber('123456789012345678901'),
        d: new LosslessNumber('12.300000000000001'),
        e: new LosslessNumber('-0'),
        f: new LosslessNumber('1E+2'),
      },
    });
  });

  it('keeps a quoted amount a string', () => {
    expect(parseJson('{"amount":"12.00"}')).toEqual({
      ok: true,
      value: { amount: '12.00' },
    });
  });
});

describe('parseJson: depth', () => {
  it(`accepts ${MAX_DEPTH} levels of arrays`, () => {
    const result = parseJson(nestedArrays(64));
    expect(result.ok).toBe(true);
  });

  it('refuses 65 levels of arrays', () => {
    expect(parseJson(nestedArrays(65))).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 64',
    });
  });

  it('accepts 64 levels of objects and refuses 65', () => {
    expect(parseJson(nestedObjects(64)).ok).toBe(true);
    expect(parseJson(nestedObjects(65))).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 320',
    });
  });

  it('refuses 10 000 levels without a RangeError', () => {
    expect(parseJson(nestedArrays(10_000))).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 64',
    });
    expect(parseJson('{"a":'.repeat(10_000))).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 320',
    });
  });

  it('refuses unclosed deep nesting as too deep, not invalid JSON', () => {
    expect(parseJson('['.repeat(10_000))).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 64',
    });
  });

  it('counts depth again after containers close', () => {
    const wide = Array.from({ length: 100 }, () => nestedArrays(64));
    expect(parseJson(`[${wide.join(',')}]`)).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 64',
    });
    expect(
      parseJson(`{"a":${nestedArrays(63)},"b":${nestedArrays(63)}}`).ok,
    ).toBe(true);
  });

  it('does not count brackets inside strings', () => {
    const text = `{"s":"${'[{'.repeat(10_000)}\\"]["}`;
    expect(parseJson(text)).toEqual({
      ok: true,
      value: { s: `${'[{'.repeat(10_000)}"][` },
    });
  });
});

describe('parseJson: repeated keys', () => {
  it.each([
    [
      'top level, equal values',
      '{"a":1,"a":1}',
      'key "a" repeated at position 7',
    ],
    [
      'top level, other values',
      '{"a":1,"a":2}',
      'key "a" repeated at position 7',
    ],
    [
      'nested, equal values',
      '{"data":{"amount":25000,"amount":25000}}',
      'key "amount" repeated at position 24',
    ],
    [
      'nested in an array, equal objects',
      '[{"x":{"k":[1]},"x":{"k":[1]}}]',
      'key "x" repeated at position 16',
    ],
    [
      'spelled with an escape',
      '{"a":1,"\\u0061":1}',
      'key "a" repeated at position 7',
    ],
    [
      '__proto__ twice',
      '{"__proto__":{},"__proto__":{}}',
      'key "__proto__" repeated at position 16',
    ],
  ])('refuses a repeated key: %s', (_name, text, detail) => {
    expect(parseJson(text)).toEqual({
      ok: false,
      reason: 'duplicate_key',
      detail,
    });
  });

  it('accepts the same key in different objects', () => {
    expect(
      parseJson('{"a":{"a":1},"b":{"a":1},"c":[{"a":1},{"a":1}]}'),
    ).toEqual({
      ok: true,
      value: {
        a: { a: new LosslessNumber('1') },
        b: { a: new LosslessNumber('1') },
        c: [{ a: new LosslessNumber('1') }, { a: new LosslessNumber('1') }],
      },
    });
  });

  it('does not take string values for keys', () => {
    expect(parseJson('{"a":"b","b":"a"}')).toEqual({
      ok: true,
      value: { a: 'b', b: 'a' },
    });
  });

  it('answers invalid JSON before a repeated key', () => {
    expect(parseJson('{"a":1,"a":1')).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail:
        "Quoted object key or end of object '}' expected " +
        'but reached end of input at position 12',
    });
    expect(parseJson('{"a":1,"a":2,}')).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail: "Quoted object key expected but got '}' at position 13",
    });
  });
});

describe('parseJson: invalid JSON', () => {
  it.each([
    [
      'an empty body',
      '',
      'JSON value expected but reached end of input at position 0',
    ],
    [
      'a raw NUL byte between tokens',
      '{"a":1,\u0000"b":2}',
      "Quoted object key expected but got '\\u0000' at position 7",
    ],
    [
      'a raw NUL byte inside a string',
      '{"a":"x\u0000y"}',
      "Invalid character '\\u0000' at position 7",
    ],
    [
      'a trailing comma',
      '{"a":1,}',
      "Quoted object key expected but got '}' at position 7",
    ],
    [
      'a single-quoted string',
      "{'a':1}",
      "Quoted object key expected but got ''' at position 1",
    ],
    [
      'a leading-zero number',
      '{"a":01}',
      "Comma ',' expected after value but got '1' at position 6",
    ],
    ['NaN', '{"a":NaN}', "Object value expected after ':' at position 5"],
    ['two values', '{} {}', "Expected end of input but got '{' at position 3"],
    [
      'a BOM left inside the text',
      '\uFEFF{}',
      "JSON value expected but got '\uFEFF' at position 0",
    ],
  ])('refuses %s', (_name, text, detail) => {
    expect(parseJson(text)).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail,
    });
  });

  it('keeps at most 200 characters of a long parser message', () => {
    const result = parseJson(`{"a":${'1'.repeat(100_000)}.x}`);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: 'invalid_json' });
    const detail = result.ok ? '' : (result.detail ?? '');
    expect(detail.length).toBe(200);
    expect(detail.startsWith("Invalid number '1111")).toBe(true);
  });

  it('accepts \\u0000 written as an escape inside a string', () => {
    expect(parseJson('{"a":"x\\u0000y"}')).toEqual({
      ok: true,
      value: { a: 'x\u0000y' },
    });
  });
});

describe('parseJson: prototype keys are plain data', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('keeps __proto__ as an own key holding the data', () => {
    const result = parseJson('{"__proto__":{"x":1}}');
    if (!result.ok) throw new Error(result.detail);
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({
      x: new LosslessNumber('1'),
    });
    expect(value.x).toBeUndefined();
  });

  it('does not pollute through __proto__, constructor or prototype', () => {
    const texts = [
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":{"__proto__":{"polluted":true}},"prototype":{"polluted":true}}',
      '[{"__proto__":{"polluted":true}}]',
    ];
    for (const text of texts) expect(parseJson(text).ok).toBe(true);
  });

  it('keeps constructor as an own key', () => {
    const result = parseJson('{"constructor":{"prototype":{"polluted":true}}}');
    if (!result.ok) throw new Error(result.detail);
    const value = result.value as Record<string, unknown>;
    expect(Object.hasOwn(value, 'constructor')).toBe(true);
    expect(value.constructor).toEqual({ prototype: { polluted: true } });
  });
});
