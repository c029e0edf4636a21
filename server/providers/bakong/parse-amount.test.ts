import { describe, expect, it } from 'vitest';

import { parseAmount } from './parse-amount';

const PAST_2 = 'has a nonzero digit past 2 decimals for USD';
const PAST_0 = 'has a nonzero digit past 0 decimals for KHR';
const MALFORMED =
  'must be digits with an optional fraction ' +
  '(no sign, exponent, spaces or leading zeros)';

describe('parseAmount', () => {
  it.each([
    ['25000', 'KHR', '25000'],
    ['25000.00', 'KHR', '25000'],
    ['25000.0', 'KHR', '25000'],
    ['1', 'KHR', '1'],
    ['1000000000000', 'KHR', '1000000000000'],
    ['4.5', 'USD', '450'],
    ['4.50', 'USD', '450'],
    ['12.00', 'USD', '1200'],
    ['12.3', 'USD', '1230'],
    ['19.99', 'USD', '1999'],
    ['0.01', 'USD', '1'],
    ['0.010000', 'USD', '1'],
    ['12', 'USD', '1200'],
    ['10000000000', 'USD', '1000000000000'],
    ['10000000000.00', 'USD', '1000000000000'],
  ] as const)('reads %s %s as %s minor units', (text, currency, minor) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, value: minor });
  });

  it.each([
    ['4.505', 'USD', 'too_precise', PAST_2],
    ['12.300000000000001', 'USD', 'too_precise', PAST_2],
    ['0.001', 'USD', 'too_precise', PAST_2],
    ['25000.5', 'KHR', 'too_precise', PAST_0],
    ['0.5', 'KHR', 'too_precise', PAST_0],
    ['1e3', 'KHR', 'malformed', MALFORMED],
    ['1E3', 'USD', 'malformed', MALFORMED],
    ['-1', 'KHR', 'malformed', MALFORMED],
    ['+1', 'KHR', 'malformed', MALFORMED],
    [' 1', 'KHR', 'malformed', MALFORMED],
    ['1 ', 'KHR', 'malformed', MALFORMED],
    ['01', 'KHR', 'malformed', MALFORMED],
    ['00.5', 'USD', 'malformed', MALFORMED],
    ['1.', 'USD', 'malformed', MALFORMED],
    ['.5', 'USD', 'malformed', MALFORMED],
    ['1,000', 'KHR', 'malformed', MALFORMED],
    ['', 'KHR', 'malformed', MALFORMED],
    ['NaN', 'USD', 'malformed', MALFORMED],
    ['Infinity', 'USD', 'malformed', MALFORMED],
    ['٣', 'KHR', 'malformed', MALFORMED],
    ['0', 'KHR', 'not_positive', 'must be above zero'],
    ['0.00', 'USD', 'not_positive', 'must be above zero'],
    ['0.0', 'KHR', 'not_positive', 'must be above zero'],
    ['1000000000001', 'KHR', 'too_large', 'is over 10^12 minor units'],
    ['10000000000.01', 'USD', 'too_large', 'is over 10^12 minor units'],
    ['99999999999999', 'KHR', 'too_large', 'is over 10^12 minor units'],
    ['9'.repeat(200_000), 'USD', 'too_large', 'is over 10^12 minor units'],
  ] as const)('refuses %s %s as %s', (text, currency, reason, detail) => {
    expect(parseAmount(text, currency)).toEqual({ ok: false, reason, detail });
  });
});
