import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';
import { afterEach, describe, expect, it } from 'vitest';

import { V1, V1_EVENT, V2, V2_EVENT } from './fixtures';
import { interpretBakongBody } from './interpret-body';

const CONFIRMED = 'bakong.transaction.confirmed';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const interpret = (body: string | Buffer) =>
  interpretBakongBody(typeof body === 'string' ? Buffer.from(body) : body);

/**
 * The fingerprint computed another way: JSON.parse and canonicalize
 * directly. Valid as a reference for bodies JSON.parse reads exactly.
 */
const referenceFingerprint = (eventType: string, text: string) =>
  createHash('sha256')
    .update(`BAKONG\n${eventType}\n${canonicalize(JSON.parse(text))}`)
    .digest('hex');

const V1_FINGERPRINT = referenceFingerprint(CONFIRMED, V1.body);
const V2_FINGERPRINT = referenceFingerprint(CONFIRMED, V2.body);

/** Rewrites a JSON text with every object's keys in reverse order. */
function reverseKeys(text: string): string {
  const reverse = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reverse);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value).reverse();
    return Object.fromEntries(entries.map(([k, v]) => [k, reverse(v)]));
  };
  return JSON.stringify(reverse(JSON.parse(text)));
}

const pretty = (text: string) => JSON.stringify(JSON.parse(text), null, 2);

/** A body with one piece of its text replaced; the piece must be there. */
function replacing(body: string, from: string, to: string): string {
  if (!body.includes(from)) throw new Error(`fixture lacks ${from}`);
  return body.replace(from, to);
}

const v1Replacing = (from: string, to: string) => replacing(V1.body, from, to);
const v2Replacing = (from: string, to: string) => replacing(V2.body, from, to);

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('interpretBakongBody: the contract vectors', () => {
  it('normalizes V1 to 25000 KHR', () => {
    expect(interpret(V1.body)).toEqual({
      ok: true,
      event: V1_EVENT,
      eventType: CONFIRMED,
      fingerprint: V1_FINGERPRINT,
    });
  });

  it('normalizes V2 to 450 cents USD', () => {
    expect(interpret(V2.body)).toEqual({
      ok: true,
      event: V2_EVENT,
      eventType: CONFIRMED,
      fingerprint: V2_FINGERPRINT,
    });
  });
});

describe('interpretBakongBody: one payment, many spellings', () => {
  const ACCENTED = '"fromAccountId":"café😀@abaa"';
  const accented = v1Replacing('"fromAccountId":"abaakhppxxx@abaa"', ACCENTED);
  const accentedEvent = {
    ...V1_EVENT,
    proof: { ...V1_EVENT.proof, payerAccountId: 'café😀@abaa' },
  };

  it.each([
    ['pretty-printed', pretty(V1.body)],
    ['pretty-printed with CRLF', pretty(V1.body).replaceAll('\n', '\r\n')],
    [
      'with tabs and spaces',
      V1.body.replaceAll('":', '" :\t').replaceAll(',"', ' , "'),
    ],
    ['with keys in reverse order', reverseKeys(V1.body)],
    ['with a leading BOM', Buffer.concat([BOM, Buffer.from(V1.body)])],
    [
      'with createdDateMs as 1767242703000.0',
      v1Replacing(
        '"createdDateMs":1767242703000',
        '"createdDateMs":1767242703000.0',
      ),
    ],
    [
      'with letters written as \\u escapes',
      v1Replacing(
        '"demo_cafe@devb"',
        '"\\u0064\\u0065\\u006D\\u006f_cafe@devb"',
      ),
    ],
  ])('V1 %s gives the same event and fingerprint', (_name, body) => {
    expect(interpret(body)).toEqual({
      ok: true,
      event: V1_EVENT,
      eventType: CONFIRMED,
      fingerprint: V1_FINGERPRINT,
    });
  });

  it.each([
    ['with escaped slashes', V2.body.replaceAll('/', '\\/')],
    ['with keys in reverse order and a BOM', `\uFEFF${reverseKeys(V2.body)}`],
  ])('V2 %s gives the same event and fingerprint', (_name, body) => {
    expect(interpret(body)).toEqual({
      ok: true,
      event: V2_EVENT,
      eventType: CONFIRMED,
      fingerprint: V2_FINGERPRINT,
    });
  });

  it('V2 with amount 4.50 keeps its text and has the same fingerprint', () => {
    expect(interpret(v2Replacing('"amount":4.5', '"amount":4.50'))).toEqual({
      ok: true,
      event: { ...V2_EVENT, proof: { ...V2_EVENT.proof, amountText: '4.50' } },
      eventType: CONFIRMED,
      fingerprint: V2_FINGERPRINT,
    });
  });

  it.each([
    ['raw UTF-8', accented],
    [
      'escaped as \\u00e9 and a surrogate pair',
      accented.replace('café😀', 'caf\\u00e9\\ud83d\\ude00'),
    ],
    [
      'escaped in upper case',
      accented.replace('café😀', 'caf\\u00E9\\uD83D\\uDE00'),
    ],
    ['pretty-printed with a BOM', `\uFEFF${pretty(accented)}`],
  ])('é and an emoji %s give one event and fingerprint', (_name, body) => {
    expect(interpret(body)).toEqual({
      ok: true,
      event: accentedEvent,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, accented),
    });
  });

  it('reads createdDateMs 1767244555000.0 as 05:15:55.000Z', () => {
    const body = v1Replacing(
      '"createdDateMs":1767242703000',
      '"createdDateMs":1767244555000.0',
    );
    expect(interpret(body)).toEqual({
      ok: true,
      event: {
        ...V1_EVENT,
        proof: { ...V1_EVENT.proof, createdAt: '2026-01-01T05:15:55.000Z' },
        occurredAt: '2026-01-01T05:15:55.000Z',
      },
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });

  it('reads the string amount "12.00" USD as 1200 cents', () => {
    const body = v2Replacing('"amount":4.5', '"amount":"12.00"');
    expect(interpret(body)).toEqual({
      ok: true,
      event: {
        ...V2_EVENT,
        proof: { ...V2_EVENT.proof, amountMinor: '1200', amountText: '12.00' },
      },
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });

  it('ignores unknown fields at both levels', () => {
    const body = v1Replacing(
      '"data":{',
      '"relayVersion":"2","trace":{"hops":[1,2]},"data":{"bankFee":0,',
    );
    const result = interpret(body);
    expect(result).toEqual({
      ok: true,
      event: V1_EVENT,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
    expect(result.fingerprint).not.toBe(V1_FINGERPRINT);
  });

  it('keeps \\u0000 written as an escape inside a string', () => {
    const body = v1Replacing('"POS-000123"', '"POS\\u0000123"');
    expect(interpret(body)).toEqual({
      ok: true,
      event: V1_EVENT,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });
});

describe('interpretBakongBody: amounts', () => {
  it.each([
    [
      '4.505',
      'USD',
      'data.amount: has a nonzero digit past 2 decimals for USD',
    ],
    [
      '12.300000000000001',
      'USD',
      'data.amount: has a nonzero digit past 2 decimals for USD',
    ],
    [
      '"4.505"',
      'USD',
      'data.amount: has a nonzero digit past 2 decimals for USD',
    ],
    [
      '25000.5',
      'KHR',
      'data.amount: has a nonzero digit past 0 decimals for KHR',
    ],
    [
      '1e3',
      'KHR',
      'data.amount: must be digits with an optional fraction ' +
        '(no sign, exponent, spaces or leading zeros)',
    ],
    [
      '-1',
      'KHR',
      'data.amount: must be digits with an optional fraction ' +
        '(no sign, exponent, spaces or leading zeros)',
    ],
    [
      '" 1"',
      'KHR',
      'data.amount: must be digits with an optional fraction ' +
        '(no sign, exponent, spaces or leading zeros)',
    ],
    ['0', 'KHR', 'data.amount: must be above zero'],
    ['"0.00"', 'USD', 'data.amount: must be above zero'],
    ['1000000000001', 'KHR', 'data.amount: is over 10^12 minor units'],
    ['true', 'KHR', 'data.amount: must be a JSON number or a decimal string'],
    ['null', 'KHR', 'data.amount: must be a JSON number or a decimal string'],
  ])('refuses amount %s %s', (amount, currency, detail) => {
    const body = v1Replacing(
      '"currency":"KHR","amount":25000',
      `"currency":"${currency}","amount":${amount}`,
    );
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'schema_invalid',
      detail,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });
});

describe('interpretBakongBody: bodies that cannot be read', () => {
  it('refuses invalid UTF-8 with no event type or fingerprint', () => {
    const bytes = Buffer.from(V1.body);
    const at = bytes.indexOf('POS-');
    const body = Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from([0xff]),
      bytes.subarray(at),
    ]);
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'invalid_utf8',
      detail: 'body of 645 bytes is not valid UTF-8',
      eventType: null,
      fingerprint: null,
    });
  });

  it('refuses a raw NUL byte between tokens as invalid JSON', () => {
    expect(interpret(v1Replacing('{"eventId"', '{\u0000"eventId"'))).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail: "Quoted object key expected but got '\\u0000' at position 1",
      eventType: null,
      fingerprint: null,
    });
  });

  it('refuses a raw NUL byte inside a string as invalid JSON', () => {
    expect(interpret(v1Replacing('"POS-000123"', '"POS\u0000123"'))).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail: "Invalid character '\\u0000' at position 445",
      eventType: null,
      fingerprint: null,
    });
  });

  it('refuses an empty body as invalid JSON', () => {
    expect(interpret('')).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail: 'JSON value expected but reached end of input at position 0',
      eventType: null,
      fingerprint: null,
    });
  });

  it('refuses two BOMs as invalid JSON', () => {
    const body = Buffer.concat([BOM, BOM, Buffer.from(V1.body)]);
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'invalid_json',
      detail: "JSON value expected but got '\uFEFF' at position 0",
      eventType: null,
      fingerprint: null,
    });
  });

  it('refuses 10 000 levels of nesting as too deep', () => {
    const body = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 64',
      eventType: null,
      fingerprint: null,
    });
  });

  it('accepts 64 levels inside V1 and refuses 65', () => {
    const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    // The body object itself is the first level.
    const at64 = v1Replacing('"data":{', `"extra":${nest(63)},"data":{`);
    expect(interpret(at64)).toEqual({
      ok: true,
      event: V1_EVENT,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, at64),
    });
    const at65 = v1Replacing('"data":{', `"extra":${nest(64)},"data":{`);
    expect(interpret(at65)).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: 'nesting deeper than 64 at position 318',
      eventType: null,
      fingerprint: null,
    });
  });

  it.each([
    [
      'at the top, equal values',
      '"md5":',
      `"md5":"${V1.md5}","md5":`,
      'md5',
      134,
    ],
    [
      'in data, equal values',
      '"amount":',
      '"amount":25000,"amount":',
      'amount',
      427,
    ],
    [
      'in data, other values',
      '"amount":',
      '"amount":1,"amount":',
      'amount',
      423,
    ],
  ])('refuses a repeated key %s', (_name, from, to, key, position) => {
    expect(interpret(v1Replacing(from, to))).toEqual({
      ok: false,
      reason: 'duplicate_key',
      detail: `key "${key}" repeated at position ${position}`,
      eventType: null,
      fingerprint: null,
    });
  });

  it.each(['[]', 'null', '"bakong.transaction.confirmed"', '25000', 'true'])(
    'refuses %s as not an object',
    (body) => {
      expect(interpret(body)).toEqual({
        ok: false,
        reason: 'schema_invalid',
        detail: 'body must be a JSON object',
        eventType: null,
        fingerprint: null,
      });
    },
  );

  it.each([
    ['a number', v1Replacing(`"eventType":"${CONFIRMED}"`, '"eventType":1')],
    ['missing', v1Replacing(`"eventType":"${CONFIRMED}",`, '')],
    ['only on the prototype', `{"__proto__":{"eventType":"${CONFIRMED}"}}`],
  ])('refuses an eventType that is %s', (_name, body) => {
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'schema_invalid',
      detail: 'eventType: must be a string',
      eventType: null,
      fingerprint: null,
    });
  });
});

describe('interpretBakongBody: quarantined with a fingerprint', () => {
  it('refuses another event type', () => {
    const body = v1Replacing(CONFIRMED, 'bakong.transaction.reversed');
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'unsupported_event_type',
      detail: 'eventType "bakong.transaction.reversed" is not handled',
      eventType: 'bakong.transaction.reversed',
      fingerprint: referenceFingerprint('bakong.transaction.reversed', body),
    });
  });

  it('shows at most 100 characters of a long event type', () => {
    const eventType = 'x'.repeat(10_000);
    const result = interpret(`{"eventType":"${eventType}"}`);
    expect(result).toMatchObject({
      ok: false,
      reason: 'unsupported_event_type',
      detail: `eventType "${'x'.repeat(99)}…" is not handled`,
      eventType,
    });
  });

  it('refuses responseCode 1 as not a confirmation', () => {
    const body = v1Replacing(
      '"responseCode":0,' +
        '"responseMessage":"Getting transaction successfully.","errorCode":null',
      '"responseCode":1,' +
        '"responseMessage":"Transaction could not be found.","errorCode":3',
    );
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'not_a_confirmation',
      detail: 'responseCode is 1: Bakong reported no confirmed payment',
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });

  it('answers responseCode 1 before looking at the rest', () => {
    const body = `{"eventType":"${CONFIRMED}","responseCode":1,"data":null}`;
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'not_a_confirmation',
      detail: 'responseCode is 1: Bakong reported no confirmed payment',
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });

  it.each([
    [
      'a missing data.hash',
      `"hash":"${V1_EVENT.providerEventId}",`,
      '',
      'data.hash: is missing',
    ],
    [
      'an uppercase md5',
      V1.md5,
      V1.md5.toUpperCase(),
      'md5: must be 32 lowercase hex digits',
    ],
    [
      'another provider',
      '"provider":"BAKONG"',
      '"provider":"bakong"',
      'provider: must be BAKONG',
    ],
    [
      'a numeric currency',
      '"currency":"KHR"',
      '"currency":116',
      'data.currency: must be KHR or USD',
    ],
    [
      // Refused, not rounded: no Date holds it (documented in body-schema).
      'a sentAtMs of 123456789012345678901',
      '"sentAtMs":1767242706002',
      '"sentAtMs":123456789012345678901',
      'sentAtMs: must be epoch milliseconds (a whole number, at most year 9999)',
    ],
  ])('refuses %s as schema-invalid', (_name, from, to, detail) => {
    const body = v1Replacing(from, to);
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'schema_invalid',
      detail,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });

  it('names at most three failing paths', () => {
    const body = `{"eventType":"${CONFIRMED}"}`;
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'schema_invalid',
      detail:
        'eventId: is missing; provider: is missing; md5: is missing; ' +
        'and 3 more',
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });
});

describe('interpretBakongBody: prototype keys are plain data', () => {
  it('accepts V1 with __proto__ and constructor keys, polluting nothing', () => {
    const body = v1Replacing(
      '"data":{',
      '"__proto__":{"polluted":true},' +
        '"data":{"constructor":{"prototype":{"polluted":true}},',
    );
    expect(interpret(body)).toEqual({
      ok: true,
      event: V1_EVENT,
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });

  it('does not let __proto__ supply a missing field', () => {
    const body = v1Replacing(
      '"md5":"333e1788ef63bc1199649694f50568f4",',
      '"__proto__":{"md5":"333e1788ef63bc1199649694f50568f4"},',
    );
    expect(interpret(body)).toEqual({
      ok: false,
      reason: 'schema_invalid',
      detail: 'md5: is missing',
      eventType: CONFIRMED,
      fingerprint: referenceFingerprint(CONFIRMED, body),
    });
  });
});
