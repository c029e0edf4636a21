import { fail, ok, type Result } from '../../ingest/result';

export type Currency = 'KHR' | 'USD';

/** Why an amount's text is refused; each comes with a detail sentence. */
export type AmountProblem =
  'malformed' | 'too_precise' | 'not_positive' | 'too_large';

/** Minor-unit decimals: riel has none, dollars have cents. */
const DECIMALS: Record<Currency, number> = { KHR: 0, USD: 2 };

const MAX_MINOR = 10n ** 12n;

/** 10^12 has 13 digits: a longer whole part is over the cap at any scale. */
const MAX_WHOLE_DIGITS = 13;

const AMOUNT_TEXT = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Reads an amount in major units from its text as sent and answers exact
 * minor units as a decimal integer string. Plain BigInt on the digit string,
 * no decimal library and never a float: the text is split at the dot, so
 * `12.300000000000001` is refused instead of being rounded to 1230 cents.
 * Zeros past the currency's decimals are accepted (`12.00`, `25000.00`);
 * any other digit there is refused, never rounded.
 */
export function parseAmount(
  text: string,
  currency: Currency,
): Result<string, AmountProblem> {
  const match = AMOUNT_TEXT.exec(text);
  if (match === null) {
    return fail(
      'malformed',
      'must be digits with an optional fraction ' +
        '(no sign, exponent, spaces or leading zeros)',
    );
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  const decimals = DECIMALS[currency];

  if (/[1-9]/.test(fraction.slice(decimals))) {
    return fail(
      'too_precise',
      `has a nonzero digit past ${decimals} decimals for ${currency}`,
    );
  }
  // Checked before BigInt so a 200 KiB digit string is never converted.
  if (whole.length > MAX_WHOLE_DIGITS) {
    return fail('too_large', 'is over 10^12 minor units');
  }
  const minorDigits = fraction.slice(0, decimals).padEnd(decimals, '0');
  const minor = BigInt(whole + minorDigits);
  if (minor === 0n) return fail('not_positive', 'must be above zero');
  if (minor > MAX_MINOR) return fail('too_large', 'is over 10^12 minor units');
  return ok(minor.toString());
}
