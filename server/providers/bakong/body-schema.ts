import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';

/** The only event type that is processed; any other is quarantined. */
export const CONFIRMED_EVENT_TYPE = 'bakong.transaction.confirmed';

/**
 * 9999-12-31T23:59:59.999Z: past it toISOString writes a six-digit year
 * (`+275760-...`) that other tools misread, and past 8.64e15 it throws.
 */
const MAX_EPOCH_MS = 253_402_300_799_999;

/** A number token with an integer value: `-3`, `0`, `1767244555000.0`. */
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)(?:\.0+)?$/;

/**
 * Messages name what was expected, never the value received, so a detail
 * built from them carries no body content.
 */
const expected = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is missing' : `must be ${what}`,
});

/** A JSON number, as parse-json hands it over: its exact text. */
const jsonNumber = (what: string) =>
  z.custom<LosslessNumber>(isLosslessNumber, expected(what));

/** The integer value of a token that matched INTEGER_TEXT, as a string. */
const integerPart = (text: string) => text.replace(/\.0+$/, '');

const EPOCH_MS = 'epoch milliseconds (a whole number, at most year 9999)';

/**
 * Integer-valued tokens only, `.0` fractions included (the relay may
 * write `1767244555000.0`); exponents are refused. Bounded so the value is
 * exact as a JS number and a four-digit-year Date: out-of-range values
 * such as 123456789012345678901 are schema-invalid rather than rounded.
 */
const epochMs = () =>
  jsonNumber(EPOCH_MS)
    .refine((n) => isEpochMsText(n.value), expected(EPOCH_MS))
    .transform((n) => Number(integerPart(n.value)));

function isEpochMsText(text: string): boolean {
  if (!INTEGER_TEXT.test(text) || text.startsWith('-')) return false;
  const whole = integerPart(text);
  return whole.length <= 15 && Number(whole) <= MAX_EPOCH_MS;
}

/** Bakong's result code: only 0 confirms a payment. */
export const responseCodeSchema = jsonNumber('0 or 1')
  .refine((n) => /^[01](?:\.0+)?$/.test(n.value), expected('0 or 1'))
  .transform((n) => (n.value.startsWith('1') ? 1 : 0));

/** Bakong's words and codes: informational, so safe integers are enough. */
const textOrCode = z
  .custom<string | LosslessNumber | null>(
    (v) =>
      v === null ||
      typeof v === 'string' ||
      (isLosslessNumber(v) && isSafeIntegerText(v.value)),
    expected('a string, a safe integer or null'),
  )
  .transform((v) => (isLosslessNumber(v) ? Number(v.value) : v));

function isSafeIntegerText(text: string): boolean {
  return (
    INTEGER_TEXT.test(text) && Number.isSafeInteger(Number(integerPart(text)))
  );
}

/**
 * The amount's text as sent, number token or string alike; whether that
 * text is a valid amount is parse-amount's business, not the schema's.
 */
const amountText = z
  .custom<string | LosslessNumber>(
    (v) => typeof v === 'string' || isLosslessNumber(v),
    expected('a JSON number or a decimal string'),
  )
  .transform((v) => (typeof v === 'string' ? v : v.value));

/**
 * NUL and unpaired surrogates are valid JSON but no PostgreSQL jsonb or text
 * value can hold them: a field the normalized event keeps must not carry
 * them, or the delivery could never be recorded (503 on every retry).
 */
const UNSTORABLE =
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const storable = (text: string) => !UNSTORABLE.test(text);
const STORABLE = expected('text without NUL or unpaired surrogates');

const optionalText = z
  .string(expected('a string or null'))
  .nullable()
  .optional();

const nonEmptyText = z
  .string(expected('a non-empty string'))
  .min(1, expected('a non-empty string'));

const hex = (length: number) => {
  const what = `${length} lowercase hex digits`;
  return z
    .string(expected(what))
    .regex(new RegExp(`^[0-9a-f]{${length}}$`), expected(what));
};

/**
 * z.object alone would take a LosslessNumber for an object and then list
 * every field as missing; this names the real problem instead.
 */
const jsonObject = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z
    .custom<Record<string, unknown>>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        !isLosslessNumber(v),
      expected('an object'),
    )
    .pipe(z.object(shape));

const dataSchema = jsonObject({
  hash: hex(64),
  toAccountId: nonEmptyText.refine(storable, STORABLE),
  currency: z.enum(['KHR', 'USD'], expected('KHR or USD')),
  amount: amountText,
  createdDateMs: epochMs(),
  // Informative only, never matched on: a relay that leaves them out must
  // not get a real payment quarantined.
  acknowledgedDateMs: epochMs().nullish(),
  fromAccountId: z
    .string(expected('a string or null'))
    .refine(storable, STORABLE)
    .nullish(),
  description: optionalText,
  externalRef: optionalText,
  instructionRef: optionalText,
  trackingStatus: optionalText,
  receiverBank: optionalText,
  receiverBankAccount: optionalText,
});

/**
 * The relay's push body (see the Bakong contract). Not strict: the provider
 * may add fields, and unknown ones are dropped from the parsed value (the
 * raw body keeps them). Numbers arrive as LosslessNumber from parse-json.
 */
export const bakongBodySchema = jsonObject({
  eventId: z.string(expected('a string')).refine(storable, STORABLE),
  eventType: z.literal(CONFIRMED_EVENT_TYPE, expected(CONFIRMED_EVENT_TYPE)),
  provider: z.literal('BAKONG', expected('BAKONG')),
  md5: hex(32),
  sentAtMs: epochMs(),
  responseCode: responseCodeSchema,
  responseMessage: textOrCode.optional(),
  errorCode: textOrCode.optional(),
  data: dataSchema,
});

export type BakongBody = z.output<typeof bakongBodySchema>;
