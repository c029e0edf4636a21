import { LosslessNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';

import { bakongBodySchema, responseCodeSchema } from './body-schema';
import { V1, V2 } from './fixtures';
import { parseJson, type JsonValue } from './parse-json';

type JsonObject = { [key: string]: JsonValue };

function parsed(text: string): JsonObject {
  const result = parseJson(text);
  if (!result.ok) throw new Error(`fixture is not JSON: ${result.detail}`);
  return result.value as JsonObject;
}

/** V1 with top-level fields replaced; `undefined` removes the field. */
/** V1 with fields replaced; a field given as undefined is left out. */
function v1With(
  top: Record<string, JsonValue | undefined>,
  data: Record<string, JsonValue | undefined> = {},
) {
  const body = parsed(V1.body);
  const merged = dropUndefined({ ...(body.data as JsonObject), ...data });
  return { ...dropUndefined({ ...body, ...top }), data: merged };
}

function dropUndefined(
  value: Record<string, JsonValue | undefined>,
): JsonObject {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as JsonObject;
}

/** Every issue as `path: message`, the form the stage reports. */
function issues(value: unknown): string[] {
  const result = bakongBodySchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map(
    (issue) => `${issue.path.join('.')}: ${issue.message}`,
  );
}

const num = (text: string) => new LosslessNumber(text);

describe('bakongBodySchema', () => {
  it('reads V1 into typed fields', () => {
    expect(bakongBodySchema.parse(parsed(V1.body))).toEqual({
      eventId: 'evt_01JGX7Q5K2M4',
      eventType: 'bakong.transaction.confirmed',
      provider: 'BAKONG',
      md5: '333e1788ef63bc1199649694f50568f4',
      sentAtMs: 1767242706002,
      responseCode: 0,
      responseMessage: 'Getting transaction successfully.',
      errorCode: null,
      data: {
        hash: '7612f956e8df45e75c427a94266e7b9d7a40a76d0438b4f639491300550c4a02',
        fromAccountId: 'abaakhppxxx@abaa',
        toAccountId: 'demo_cafe@devb',
        currency: 'KHR',
        amount: '25000',
        description: 'POS-000123',
        createdDateMs: 1767242703000,
        acknowledgedDateMs: 1767242704000,
        trackingStatus: null,
        receiverBank: null,
        receiverBankAccount: null,
        instructionRef: null,
        externalRef: '100FT00000000001',
      },
    });
  });

  it("keeps V2's amount as the text 4.5", () => {
    expect(bakongBodySchema.parse(parsed(V2.body)).data.amount).toBe('4.5');
  });

  it('reads a quoted amount as its string', () => {
    const body = v1With({}, { currency: 'USD', amount: '12.00' });
    expect(bakongBodySchema.parse(body).data.amount).toBe('12.00');
  });

  it('reads epoch milliseconds written with a zero fraction', () => {
    const body = v1With(
      { sentAtMs: num('1767244556000.000') },
      {
        createdDateMs: num('1767244555000.0'),
        acknowledgedDateMs: num('1767244555500.0'),
      },
    );
    const result = bakongBodySchema.parse(body);
    expect(result.sentAtMs).toBe(1767244556000);
    expect(result.data.createdDateMs).toBe(1767244555000);
    expect(result.data.acknowledgedDateMs).toBe(1767244555500);
  });

  it('accepts epoch milliseconds from 0 up to the end of year 9999', () => {
    const at = (ms: string) =>
      bakongBodySchema.parse(v1With({}, { createdDateMs: num(ms) })).data
        .createdDateMs;
    expect(at('0')).toBe(0);
    expect(at('253402300799999')).toBe(253402300799999);
    expect(
      issues(v1With({}, { createdDateMs: num('253402300800000') })),
    ).toEqual([
      'data.createdDateMs: must be epoch milliseconds ' +
        '(a whole number, at most year 9999)',
    ]);
  });

  it('accepts acknowledgedDateMs, fromAccountId and Bakong words left out', () => {
    const body = v1With(
      { responseMessage: undefined, errorCode: undefined },
      { acknowledgedDateMs: undefined, fromAccountId: undefined },
    );
    const result = bakongBodySchema.safeParse(body);
    expect(result.success).toBe(true);
  });

  it('accepts null for acknowledgedDateMs and fromAccountId', () => {
    const body = v1With({}, { acknowledgedDateMs: null, fromAccountId: null });
    const result = bakongBodySchema.parse(body);
    expect(result.data.acknowledgedDateMs).toBeNull();
    expect(result.data.fromAccountId).toBeNull();
  });

  it('accepts a body without the optional data fields', () => {
    const body = v1With(
      {},
      {
        description: undefined,
        externalRef: undefined,
        instructionRef: undefined,
        trackingStatus: undefined,
        receiverBank: undefined,
        receiverBankAccount: undefined,
      },
    );
    expect(issues(body)).toEqual([]);
  });

  it('accepts an integer or a string for errorCode and responseMessage', () => {
    const body = v1With({ errorCode: num('3'), responseMessage: num('0') });
    const result = bakongBodySchema.parse(body);
    expect(result.errorCode).toBe(3);
    expect(result.responseMessage).toBe(0);
    expect(bakongBodySchema.parse(v1With({ errorCode: 'E3' })).errorCode).toBe(
      'E3',
    );
  });

  it('ignores and drops unknown fields at both levels', () => {
    const body = v1With(
      { relayVersion: '2', extra: { nested: [num('1')] } },
      { bankNote: 'x', amountKhr: num('1') },
    );
    const result = bakongBodySchema.parse(body);
    expect(Object.keys(result)).not.toContain('relayVersion');
    expect(Object.keys(result.data)).not.toContain('bankNote');
    expect(result).toEqual(bakongBodySchema.parse(parsed(V1.body)));
  });

  it.each([
    [
      'missing data.hash',
      v1With({}, { hash: undefined }),
      ['data.hash: is missing'],
    ],
    [
      'an uppercase md5',
      v1With({ md5: '333E1788EF63BC1199649694F50568F4' }),
      ['md5: must be 32 lowercase hex digits'],
    ],
    [
      'a short hash',
      v1With({}, { hash: 'abc' }),
      ['data.hash: must be 64 lowercase hex digits'],
    ],
    [
      'an md5 given as a number',
      v1With({ md5: num('1') }),
      ['md5: must be 32 lowercase hex digits'],
    ],
    [
      'another provider',
      v1With({ provider: 'ABA' }),
      ['provider: must be BAKONG'],
    ],
    [
      'a currency code instead of letters',
      v1With({}, { currency: num('116') }),
      ['data.currency: must be KHR or USD'],
    ],
    [
      'an empty toAccountId',
      v1With({}, { toAccountId: '' }),
      ['data.toAccountId: must be a non-empty string'],
    ],
    [
      'a boolean amount',
      v1With({}, { amount: true }),
      ['data.amount: must be a JSON number or a decimal string'],
    ],
    [
      'a sentAtMs past what a Date holds',
      v1With({ sentAtMs: num('123456789012345678901') }),
      [
        'sentAtMs: must be epoch milliseconds (a whole number, at most year 9999)',
      ],
    ],
    [
      'a fractional createdDateMs',
      v1With({}, { createdDateMs: num('1767244555000.5') }),
      [
        'data.createdDateMs: must be epoch milliseconds ' +
          '(a whole number, at most year 9999)',
      ],
    ],
    [
      'a createdDateMs with an exponent',
      v1With({}, { createdDateMs: num('1.767244555e12') }),
      [
        'data.createdDateMs: must be epoch milliseconds ' +
          '(a whole number, at most year 9999)',
      ],
    ],
    [
      'a negative acknowledgedDateMs',
      v1With({}, { acknowledgedDateMs: num('-1') }),
      [
        'data.acknowledgedDateMs: must be epoch milliseconds ' +
          '(a whole number, at most year 9999)',
      ],
    ],
    [
      'a createdDateMs as a string',
      v1With({}, { createdDateMs: '1767244555000' }),
      [
        'data.createdDateMs: must be epoch milliseconds ' +
          '(a whole number, at most year 9999)',
      ],
    ],
    [
      'a responseCode of 2',
      v1With({ responseCode: num('2') }),
      ['responseCode: must be 0 or 1'],
    ],
    [
      'an errorCode past 2^53',
      v1With({ errorCode: num('9007199254740993') }),
      ['errorCode: must be a string, a safe integer or null'],
    ],
    [
      'a description that is a number',
      v1With({}, { description: num('5') }),
      ['data.description: must be a string or null'],
    ],
    [
      'data as an array',
      { ...parsed(V1.body), data: [] },
      ['data: must be an object'],
    ],
    [
      'data as a number',
      { ...parsed(V1.body), data: num('1') },
      ['data: must be an object'],
    ],
  ] as const)('refuses %s', (_name, body, expected) => {
    expect(issues(body)).toEqual(expected);
  });

  it('lists every missing field of an empty object', () => {
    expect(issues({})).toEqual([
      'eventId: is missing',
      'eventType: is missing',
      'provider: is missing',
      'md5: is missing',
      'sentAtMs: is missing',
      'responseCode: is missing',
      'data: is missing',
    ]);
  });
});

describe('responseCodeSchema', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['1.0', 1],
    ['0.00', 0],
  ] as const)('reads %s as %d', (text, code) => {
    expect(responseCodeSchema.parse(num(text))).toBe(code);
  });

  it.each(['2', '-1', '10', '1.5'])('refuses %s', (text) => {
    expect(responseCodeSchema.safeParse(num(text)).success).toBe(false);
  });

  it('refuses the string "1"', () => {
    expect(responseCodeSchema.safeParse('1').success).toBe(false);
  });
});
