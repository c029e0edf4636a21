import { isLosslessNumber } from 'lossless-json';
import type { z } from 'zod';

import type { NormalizedEvent } from '../../events/normalized-event';
import type { QuarantineReason } from '../../ingest/reasons';
import {
  bakongBodySchema,
  CONFIRMED_EVENT_TYPE,
  responseCodeSchema,
} from './body-schema';
import { decodeUtf8 } from './decode-utf8';
import { fingerprintBody } from './fingerprint';
import { normalizeBody } from './normalize';
import { parseAmount } from './parse-amount';
import { parseJson, type JsonValue } from './parse-json';
import { sanitizeDetail } from './sanitize-detail';

export type Interpretation =
  | { ok: true; event: NormalizedEvent; eventType: string; fingerprint: string }
  | {
      ok: false;
      reason: QuarantineReason;
      detail?: string;
      eventType: string | null;
      fingerprint: string | null;
    };

/** Refusals before the body is known to be an object with an eventType. */
const unreadable = (
  reason: QuarantineReason,
  detail?: string,
): Interpretation => ({
  ok: false,
  reason,
  detail,
  eventType: null,
  fingerprint: null,
});

/** At most three issues, each `path: what was expected`. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.') || '(body)';
    return `${path}: ${issue.message}`;
  });
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
  return sanitizeDetail(shown.join('; ') + more);
}

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue): value is JsonObject {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !isLosslessNumber(value)
  );
}

/**
 * Turns the verified raw body into a normalized event or a quarantine
 * reason; the route stores the raw bytes either way. Once the body is a
 * JSON object with a string eventType, every answer carries that
 * eventType and the body's fingerprint, so quarantined bodies can be
 * grouped and compared too.
 */
export function interpretBakongBody(bytes: Buffer): Interpretation {
  const text = decodeUtf8(bytes);
  if (!text.ok) return unreadable(text.reason, text.detail);

  const json = parseJson(text.value);
  if (!json.ok) return unreadable(json.reason, json.detail);

  const body = json.value;
  if (!isObject(body)) {
    return unreadable('schema_invalid', 'body must be a JSON object');
  }
  const eventType = Object.hasOwn(body, 'eventType')
    ? body.eventType
    : undefined;
  if (typeof eventType !== 'string') {
    return unreadable('schema_invalid', 'eventType: must be a string');
  }

  const fingerprint = fingerprintBody(eventType, body);
  const refuse = (
    reason: QuarantineReason,
    detail: string,
  ): Interpretation => ({ ok: false, reason, detail, eventType, fingerprint });

  if (eventType !== CONFIRMED_EVENT_TYPE) {
    const shown = sanitizeDetail(eventType, 100);
    return refuse(
      'unsupported_event_type',
      `eventType "${shown}" is not handled`,
    );
  }
  const code = responseCodeSchema.safeParse(body.responseCode);
  if (code.success && code.data === 1) {
    return refuse(
      'not_a_confirmation',
      'responseCode is 1: Bakong reported no confirmed payment',
    );
  }

  const parsed = bakongBodySchema.safeParse(body);
  if (!parsed.success) {
    return refuse('schema_invalid', describeIssues(parsed.error.issues));
  }
  const { data } = parsed.data;
  const amount = parseAmount(data.amount, data.currency);
  if (!amount.ok) {
    const why = amount.detail ?? amount.reason;
    return refuse('schema_invalid', `data.amount: ${why}`);
  }

  const event = normalizeBody(parsed.data, amount.value);
  return { ok: true, event, eventType, fingerprint };
}
