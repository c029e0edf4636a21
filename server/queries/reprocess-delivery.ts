import type { TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import { type Caller, canSeeTenant } from '../auth/caller';
import { recordAudit } from '../audit/record-audit';
import type { DispatchRoutes } from '../dispatch/registry';
import {
  type DeliveryRecord,
  type Recorded,
  recordDelivery,
} from '../ingest/record-delivery';
import { interpretBakongBody } from '../providers/bakong/interpret-body';

export type Reprocessed = Recorded & {
  reprocessedFrom: string;
  /** The quarantine anomalies this run closed because the body now parses. */
  resolvedAnomalies: string[];
};

export type ReprocessResult =
  | { ok: true; value: Reprocessed }
  | { ok: false; reason: 'not_found' | 'never_verified' | 'unknown_provider' };

type Stored = {
  id: string;
  provider: string;
  method: string;
  headers: Record<string, string>;
  messageId: string | null;
  signedAt: string | null;
  body: Buffer | null;
  bodyBytes: number;
  bodyTruncated: boolean;
  bodySha256: string;
  secretId: string | null;
  outcome: string;
  tenantId: string | null;
};

/**
 * Runs a stored, verified delivery through today's parser and normalizer
 * again, typically after a fix for the reason it was quarantined. The result
 * is recorded as a new delivery (method `REPROCESS`, linked to the original)
 * by the same `record_delivery` function a fresh one goes through, so the
 * event is inserted ON CONFLICT exactly as for a fresh delivery: a second
 * reprocess is a duplicate and changes nothing else. When the body now makes
 * an event, the original's open quarantine anomaly is resolved. A delivery
 * that was never verified (rejected, or kept only in part) is never run.
 */
export async function reprocessDelivery(
  sql: Sql,
  input: {
    id: string;
    caller: Caller;
    dispatch: DispatchRoutes;
    requestId: string | null;
  },
): Promise<ReprocessResult> {
  const [stored] = await sql<Stored[]>`
    select d.id, d.provider, d.method, d.headers, d.message_id as "messageId",
           to_json(d.signed_at) #>> '{}' as "signedAt", d.body,
           d.body_bytes as "bodyBytes", d.body_truncated as "bodyTruncated",
           d.body_sha256 as "bodySha256", d.secret_id as "secretId", d.outcome,
           d.tenant_id as "tenantId"
    from deliveries d
    where d.id = ${input.id}
  `;
  if (!stored || !canSeeTenant(input.caller, stored.tenantId)) {
    return { ok: false, reason: 'not_found' };
  }
  const verified =
    stored.outcome !== 'rejected' &&
    stored.secretId !== null &&
    stored.body !== null &&
    !stored.bodyTruncated;
  if (!verified || stored.body === null)
    return { ok: false, reason: 'never_verified' };
  if (stored.provider !== 'BAKONG')
    return { ok: false, reason: 'unknown_provider' };

  const body = stored.body;
  const interpretation = interpretBakongBody(body);
  const delivery: DeliveryRecord = {
    provider: stored.provider,
    receivedAt: new Date().toISOString(),
    requestId: input.requestId,
    remoteAddress: null,
    method: 'REPROCESS',
    headers: stored.headers,
    messageId: stored.messageId,
    signedAt: stored.signedAt,
    bodyBytes: stored.bodyBytes,
    bodyTruncated: false,
    bodySha256: stored.bodySha256,
    fingerprint: interpretation.fingerprint,
    secretId: stored.secretId,
    ...(interpretation.ok
      ? { outcome: 'accepted', reason: null, detail: null, statusCode: 200 }
      : {
          outcome: 'quarantined',
          reason: interpretation.reason,
          detail: interpretation.detail ?? null,
          statusCode: 202,
        }),
  };
  const anomaly = interpretation.ok
    ? null
    : {
        kind: 'quarantined_delivery',
        detail: {
          reason: interpretation.reason,
          detail: interpretation.detail ?? null,
        },
      };

  const value = await sql.begin(async (tx) => {
    const recorded = await recordDelivery(tx, {
      delivery,
      body,
      event: interpretation.ok ? interpretation.event : null,
      anomaly,
      dispatch: input.dispatch,
    });
    await tx`
      update deliveries set reprocessed_from = ${stored.id} where id = ${recorded.deliveryId}
    `;
    const resolvedAnomalies =
      interpretation.ok && recorded.outcome !== 'quarantined'
        ? await resolveQuarantine(tx, stored, recorded, input.caller)
        : [];
    const [event] = recorded.eventId
      ? await tx<{ tenantId: string | null }[]>`
          select tenant_id as "tenantId" from events where id = ${recorded.eventId}
        `
      : [];
    await recordAudit(tx, {
      actor: input.caller,
      action: 'delivery.reprocess',
      target: { type: 'delivery', id: stored.id },
      tenantId: event?.tenantId ?? stored.tenantId,
      detail: {
        newDeliveryId: recorded.deliveryId,
        outcome: recorded.outcome,
        reason: recorded.reason,
        eventId: recorded.eventId,
        resolvedAnomalies,
      },
    });
    return { ...recorded, reprocessedFrom: stored.id, resolvedAnomalies };
  });
  return { ok: true, value };
}

/** Closes the quarantine anomaly of the body, now that it makes an event. */
async function resolveQuarantine(
  tx: TransactionSql,
  stored: Stored,
  recorded: Recorded,
  caller: Caller,
): Promise<string[]> {
  const note =
    `Reprocessed by ${caller.name}: delivery ${stored.id} now makes event ` +
    `${recorded.eventId} (delivery ${recorded.deliveryId}, ${recorded.outcome}).`;
  const rows = await tx<{ id: string }[]>`
    update anomalies
       set status = 'resolved', resolved_at = now(), resolved_by = ${caller.name},
           resolution_note = ${note}
     where kind = 'quarantined_delivery' and subject = ${stored.bodySha256}
       and event_id is null and status <> 'resolved'
    returning id
  `;
  return rows.map((row) => row.id);
}
