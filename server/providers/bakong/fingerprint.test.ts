import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';

import { fingerprintBody } from './fingerprint';
import { V1, V2 } from './fixtures';
import { parseJson } from './parse-json';

const sha256 = (text: string) =>
  createHash('sha256').update(text, 'utf8').digest('hex');

function fingerprintOf(eventType: string, text: string): string {
  const json = parseJson(text);
  if (!json.ok) throw new Error(`not JSON: ${json.detail}`);
  return fingerprintBody(eventType, json.value);
}

const CONFIRMED = 'bakong.transaction.confirmed';

describe('fingerprintBody', () => {
  it('hashes provider, event type and the RFC 8785 form of V1', () => {
    // For V1 JSON.parse is exact, so it gives an independent expected value.
    const canonical = canonicalize(JSON.parse(V1.body));
    const expected = sha256(`BAKONG\n${CONFIRMED}\n${canonical}`);
    expect(fingerprintOf(CONFIRMED, V1.body)).toBe(expected);
    expect(expected).toBe(
      'ff52ecc66301dec00241c78afd06ebe42c0c084c2a27fc231c245310f366b39e',
    );
  });

  it('gives V2 its own fingerprint', () => {
    expect(fingerprintOf(CONFIRMED, V2.body)).toBe(
      '09a2125fe54c56dbe2588b3b6b2522257625243c8dbad9bd150653ad74e701ad',
    );
  });

  it('sorts keys, drops whitespace and writes plain strings', () => {
    const text =
      '{ "c": {"z": 1, "y": "\\u00e9"},\r\n "b": 1.0, "a": [true, null, "\\/"] }';
    expect(fingerprintOf('x', text)).toBe(
      sha256('BAKONG\nx\n{"a":[true,null,"/"],"b":1,"c":{"y":"é","z":1}}'),
    );
  });

  it.each([
    ['1767244555000.0', '1767244555000'],
    ['4.50', '4.5'],
    ['1e2', '100'],
    ['1E+2', '100'],
    ['-0', '0'],
    ['0.000001', '0.000001'],
    ['1e-7', '1e-7'],
    ['123456789012345678901', '123456789012345680000'],
  ])('writes the number %s as %s', (token, canonical) => {
    expect(fingerprintOf('x', `{"n":${token}}`)).toBe(
      sha256(`BAKONG\nx\n{"n":${canonical}}`),
    );
  });

  it('writes a number too large for a double as its text, quoted', () => {
    expect(fingerprintOf('x', '{"n":1e400}')).toBe(
      sha256('BAKONG\nx\n{"n":"1e400"}'),
    );
  });

  it('keeps a __proto__ key as data', () => {
    expect(fingerprintOf('x', '{"__proto__":{"x":1},"a":2}')).toBe(
      sha256('BAKONG\nx\n{"__proto__":{"x":1},"a":2}'),
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('depends on the event type', () => {
    expect(fingerprintOf('a', '{}')).toBe(sha256('BAKONG\na\n{}'));
    expect(fingerprintOf('b', '{}')).toBe(sha256('BAKONG\nb\n{}'));
  });

  it('gives one fingerprint for the same content spelled otherwise', () => {
    const reordered =
      '{"data":{"amount":4.50,"currency":"USD"},"eventType":"t","a":"\\u0041"}';
    const compact =
      '{"a":"A","eventType":"t","data":{"currency":"USD","amount":4.5}}';
    expect(fingerprintOf('t', reordered)).toBe(fingerprintOf('t', compact));
  });
});
