import { createHash } from 'node:crypto';

import type { Sql } from '../../db/client';
import type { WebhookSecret } from '../ingest/secrets';
import { verifySignature } from '../ingest/verify-signature';

export type MinimalRequest = {
  messageId: string | null;
  timestamp: string | null;
  signature: string | null;
  body: Buffer;
  receivedAt: Date;
};

export type MinimalAnswer = { status: number; body: Record<string, unknown> };

type Confirmation = {
  md5: string;
  data: {
    hash: string;
    amount: number | string;
    currency: string;
    toAccountId: string;
    fromAccountId: string | null;
    createdDateMs: number;
    acknowledgedDateMs: number | null;
  };
};

/**
 * The least work that still stores a signed Bakong delivery correctly: the
 * benchmark's yardstick for the real route (bench/run.ts), shared by the
 * Next.js reference route and the bare node:http server so both do exactly
 * the same thing. It verifies the HMAC over the raw bytes, parses with
 * JSON.parse and writes the event (ON CONFLICT) and the delivery in one
 * statement. It deliberately skips what the contract adds on top: header
 * and window checks, the size cap, strict UTF-8, the lossless parse, the
 * schema, the fingerprint, tenant resolution and dispatch.
 */
export async function ingestMinimal(
  sql: Sql,
  secrets: readonly WebhookSecret[],
  request: MinimalRequest,
): Promise<MinimalAnswer> {
  if (request.messageId === null || request.timestamp === null) {
    return { status: 400, body: { error: 'headers_missing' } };
  }
  const signature = verifySignature({
    messageId: request.messageId,
    timestamp: request.timestamp,
    body: request.body,
    header: request.signature,
    secrets,
  });
  if (!signature.ok) return { status: 401, body: { error: signature.reason } };

  const parsed = parseConfirmation(request.body);
  if (parsed === null) return { status: 400, body: { error: 'unparseable' } };

  const recorded = await recordMinimal(
    sql,
    request,
    parsed,
    signature.value.secretId,
  );
  return {
    status: 200,
    body: { status: recorded.outcome, eventId: recorded.eventId },
  };
}

/** `"4.50"` USD is 450 cents, `25000` KHR is 25000 riel; no float on the way. */
function minorUnits(amount: number | string, currency: string): string {
  const [whole = '0', fraction = ''] = String(amount).split('.');
  return currency === 'USD'
    ? `${whole}${fraction.padEnd(2, '0').slice(0, 2)}`
    : whole;
}

function parseConfirmation(body: Buffer): Confirmation | null {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<Confirmation>;
    const data = value.data;
    if (
      typeof value.md5 !== 'string' ||
      !data ||
      typeof data.hash !== 'string'
    ) {
      return null;
    }
    return value as Confirmation;
  } catch {
    return null;
  }
}

/**
 * One round trip: the CTE inserts the event unless its payment is known,
 * then the delivery linked to whichever event row stands. Under READ
 * COMMITTED a same-payment insert committed after this statement's snapshot
 * leaves the delivery without its event id; the real function re-reads in a
 * new statement instead. Good enough for a yardstick, not for the gateway.
 */
async function recordMinimal(
  sql: Sql,
  request: MinimalRequest,
  body: Confirmation,
  secretId: string,
) {
  const { data } = body;
  const occurredAt = new Date(data.createdDateMs).toISOString();
  const acknowledgedAt =
    data.acknowledgedDateMs === null
      ? null
      : new Date(data.acknowledgedDateMs).toISOString();
  const normalized = JSON.stringify({
    provider: 'BAKONG',
    kind: 'PAYMENT_CONFIRMED',
    providerEventId: data.hash,
    correlation: { type: 'khqr_md5', key: body.md5 },
    proof: {
      amountMinor: minorUnits(data.amount, data.currency),
      currency: data.currency,
      receiverAccountId: data.toAccountId,
      payerAccountId: data.fromAccountId,
      hash: data.hash,
      acknowledgedAt,
    },
    occurredAt,
  });
  const headers = JSON.stringify({
    'content-type': 'application/json',
    'webhook-id': request.messageId,
    'webhook-timestamp': request.timestamp,
  });
  const sha256 = createHash('sha256').update(request.body).digest('hex');
  const signedAt = new Date(Number(request.timestamp) * 1000).toISOString();
  const [row] = await sql<{ outcome: string; eventId: string | null }[]>`
    with inserted as (
      insert into events (
        provider, kind, provider_event_id, correlation_key, amount_minor,
        currency, receiver_account_id, payer_account_id, occurred_at,
        acknowledged_at, normalized
      ) values (
        'BAKONG', 'PAYMENT_CONFIRMED', ${data.hash}, ${body.md5},
        ${minorUnits(data.amount, data.currency)}::bigint, ${data.currency},
        ${data.toAccountId},
        ${data.fromAccountId}, ${occurredAt}::timestamptz,
        ${acknowledgedAt}::timestamptz, ${normalized}::text::jsonb
      )
      on conflict (provider, kind, provider_event_id) do nothing
      returning id
    ), standing as (
      select id, true as fresh from inserted
      union all
      select id, false from events
       where provider = 'BAKONG' and kind = 'PAYMENT_CONFIRMED'
         and provider_event_id = ${data.hash}
    )
    insert into deliveries (
      provider, received_at, method, headers, message_id, signed_at, body,
      body_bytes, body_sha256, secret_id, outcome, status_code, event_id
    )
    select
      'BAKONG', ${request.receivedAt.toISOString()}::timestamptz, 'POST',
      ${headers}::text::jsonb, ${request.messageId}, ${signedAt}::timestamptz,
      ${request.body}::bytea, ${request.body.length}, ${sha256}, ${secretId},
      case when s.fresh then 'accepted' else 'duplicate' end, 200, s.id
    from (select 1) as one
    left join lateral (
      select id, fresh from standing order by fresh desc limit 1
    ) as s on true
    returning outcome, event_id as "eventId"
  `;
  if (!row) throw new Error('the minimal insert returned no row');
  return row;
}
