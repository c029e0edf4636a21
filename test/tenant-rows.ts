import { randomBytes } from 'node:crypto';

import type { Sql } from '../db/client';
import { issueToken } from '../server/auth/issue-token';
import type { Caller } from '../server/auth/caller';
import { makeConfirmation } from '../server/providers/bakong/make-confirmation';
import { ADMIN } from './trpc-harness';

export type TenantRows = {
  tenantId: string | null;
  md5: string;
  attemptId: string | null;
  eventId: string;
  deliveryId: string;
  dispatchId: string | null;
  anomalyId: string;
};

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * One of each linked row for `tenantId` (null: an event whose attempt is not
 * registered), written straight to the tables: a registered attempt, its
 * event, an accepted verified delivery, a dead dispatch and an open anomaly.
 */
export async function insertTenantRows(
  sql: Sql,
  tenantId: string | null,
): Promise<TenantRows> {
  const md5 = hex(16);
  const hash = hex(32);
  const body = Buffer.from(makeConfirmation({ md5, hash }));
  const [attempt] =
    tenantId === null
      ? []
      : await sql<{ id: string }[]>`
          insert into payment_attempts (
            md5, tenant_id, branch_id, purpose, target_ref, amount_minor, currency,
            receiver_account_id, issued_at, registered_by
          ) values (
            ${md5}, ${tenantId}, 'branch-1', 'SALE', ${`sale-${hex(4)}`}, 25000, 'KHR',
            'demo_cafe@devb', now(), 'test'
          ) returning id
        `;
  const [event] = await sql<{ id: string }[]>`
    insert into events (
      provider, kind, provider_event_id, correlation_key, amount_minor, currency,
      receiver_account_id, payer_account_id, occurred_at, normalized, tenant_id, branch_id,
      attempt_id, resolved_at
    ) values (
      'BAKONG', 'PAYMENT_CONFIRMED', ${hash}, ${md5}, 25000, 'KHR', 'demo_cafe@devb',
      'abaakhppxxx@abaa', now(), '{}'::jsonb, ${tenantId}, 'branch-1', ${attempt?.id ?? null},
      ${tenantId === null ? null : new Date().toISOString()}
    ) returning id
  `;
  const [delivery] = await sql<{ id: string }[]>`
    insert into deliveries (
      provider, received_at, method, headers, message_id, body, body_bytes, body_sha256,
      secret_id, outcome, status_code, event_id, tenant_id
    ) values (
      'BAKONG', now(), 'POST', '{"content-type":"application/json"}'::jsonb,
      ${`msg_${hex(6)}`}, ${body}, ${body.length}, ${hex(32)}, 'key-1', 'accepted', 200,
      ${event!.id}, ${tenantId}
    ) returning id
  `;
  const [dispatch] =
    tenantId === null
      ? []
      : await sql<{ id: string }[]>`
          insert into dispatches (event_id, handler, tenant_id, branch_id, status, attempts,
                                  max_attempts, last_error)
          values (${event!.id}, 'sale-khqr-confirmation', ${tenantId}, 'branch-1', 'dead', 3, 3,
                  'the POS did not answer')
          returning id
        `;
  const detail = JSON.stringify({
    received: { payerAccountId: 'abaakhppxxx@abaa' },
  });
  const [anomaly] = await sql<{ id: string }[]>`
    insert into anomalies (kind, tenant_id, branch_id, event_id, delivery_id, subject, detail)
    values ('amount_mismatch', ${tenantId}, 'branch-1', ${event!.id}, ${delivery!.id},
            ${event!.id}, ${detail}::text::jsonb)
    returning id
  `;
  return {
    tenantId,
    md5,
    attemptId: attempt?.id ?? null,
    eventId: event!.id,
    deliveryId: delivery!.id,
    dispatchId: dispatch?.id ?? null,
    anomalyId: anomaly!.id,
  };
}

/** Issues a real API token, to call over HTTP as `role` over `tenants`. */
export async function tokenFor(
  sql: Sql,
  role: Caller['role'],
  tenants: Caller['tenants'],
): Promise<string> {
  const { token } = await issueToken(
    sql,
    { name: `${role} for tests`, role, tenants },
    ADMIN,
  );
  return token;
}
