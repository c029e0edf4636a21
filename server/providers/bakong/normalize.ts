import type { NormalizedEvent } from '../../events/normalized-event';
import type { BakongBody } from './body-schema';

/** ISO 8601 UTC with milliseconds; the schema keeps ms within year 9999. */
const toIso = (ms: number) => new Date(ms).toISOString();

/**
 * Maps a schema-valid body onto the one internal shape. `amountMinor` comes
 * from parseAmount, which the caller runs first because a bad amount is a
 * quarantine reason, while this mapping cannot fail.
 */
export function normalizeBody(
  body: BakongBody,
  amountMinor: string,
): NormalizedEvent {
  const { data } = body;
  const createdAt = toIso(data.createdDateMs);
  const acknowledged = data.acknowledgedDateMs;
  return {
    provider: 'BAKONG',
    kind: 'PAYMENT_CONFIRMED',
    providerEventId: data.hash,
    correlation: { type: 'khqr_md5', key: body.md5 },
    proof: {
      amountMinor,
      amountText: data.amount,
      currency: data.currency,
      receiverAccountId: data.toAccountId,
      payerAccountId: data.fromAccountId ?? null,
      hash: data.hash,
      createdAt,
      acknowledgedAt: acknowledged == null ? null : toIso(acknowledged),
    },
    occurredAt: createdAt,
    source: { relayEventId: body.eventId, sentAt: toIso(body.sentAtMs) },
  };
}
