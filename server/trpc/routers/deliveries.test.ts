import { createHash, randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { randomMd5 } from '../../../test/dispatch-harness';
import { send, ingestContext, testSql } from '../../../test/ingest-harness';
import { ADMIN, callerFor, tokenCaller } from '../../../test/trpc-harness';
import { makeConfirmation } from '../../providers/bakong/make-confirmation';
import { recordDelivery } from '../../ingest/record-delivery';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

const tenant = `reprocess-${randomBytes(3).toString('hex')}`;
const admin = () => callerFor(ADMIN, sql);
const operator = () => callerFor(tokenCaller('operator', [tenant]), sql);
const sha256 = (bytes: Buffer) =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * A verified delivery an older parser quarantined, stored exactly as the
 * webhook route stores one: its body is one today's parser accepts.
 */
async function quarantinedEarlier(body: Buffer, reason = 'schema_invalid') {
  return recordDelivery(sql, {
    delivery: {
      provider: 'BAKONG',
      receivedAt: new Date().toISOString(),
      requestId: null,
      remoteAddress: '127.0.0.1',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': `msg_${randomMd5()}`,
      },
      messageId: `msg_${randomMd5()}`,
      signedAt: new Date().toISOString(),
      bodyBytes: body.length,
      bodyTruncated: false,
      bodySha256: sha256(body),
      fingerprint: null,
      secretId: 'key_0123456789ab',
      outcome: 'quarantined',
      reason,
      detail: 'data.amount: must be a JSON number or a decimal string',
      statusCode: 202,
    },
    body,
    event: null,
    anomaly: { kind: 'quarantined_delivery', detail: { reason } },
    dispatch: { routes: {} },
  });
}

async function countsFor(md5: string, bodySha: string) {
  const [row] = await sql<
    { events: number; dispatches: number; open: number; queued: number }[]
  >`
    select
      (select count(*)::int from events where correlation_key = ${md5}) as events,
      (select count(*)::int from dispatches x join events e on e.id = x.event_id
        where e.correlation_key = ${md5}) as dispatches,
      (select count(*)::int from anomalies
        where subject = ${bodySha} and status <> 'resolved') as open,
      -- On their way to a handler: a job in the queue, or a row the relay
      -- has yet to move there (no worker runs in these tests).
      (select count(*)::int from dispatches x join events e on e.id = x.event_id
        where e.correlation_key = ${md5} and x.status = 'pending'
          and (x.enqueued_at is null or exists (
            select 1 from graphile_worker.jobs j where j.key = 'dispatch:' || x.id))
      ) as queued
  `;
  return row!;
}

describe('deliveries.reprocess', () => {
  it('turns a delivery quarantined before a fix into its event, once', async () => {
    const md5 = randomMd5();
    await admin().paymentAttempts.register({
      md5,
      tenantId: tenant,
      purpose: 'SALE',
      targetRef: `sale-${md5.slice(0, 8)}`,
      amount: '25000',
      currency: 'KHR',
      receiverAccountId: 'demo_cafe@devb',
    });
    const body = Buffer.from(makeConfirmation({ md5 }));
    const original = await quarantinedEarlier(body);
    expect(original).toMatchObject({ outcome: 'quarantined', eventId: null });
    // A quarantined delivery has no tenant yet: operators cannot reach it.
    await expect(
      operator().deliveries.reprocess({ id: original.deliveryId }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const first = await admin().deliveries.reprocess({
      id: original.deliveryId,
    });
    expect(first).toMatchObject({
      outcome: 'accepted',
      reprocessedFrom: original.deliveryId,
      eventId: expect.any(String),
    });
    expect(first.resolvedAnomalies).toHaveLength(1);
    const after = await countsFor(md5, sha256(body));
    expect(after).toEqual({ events: 1, dispatches: 1, open: 0, queued: 1 });

    const made = await operator().deliveries.byId({ id: first.deliveryId });
    expect(made).toMatchObject({
      method: 'REPROCESS',
      reprocessedFrom: original.deliveryId,
      outcome: 'accepted',
      tenantId: tenant,
      md5,
      event: { id: first.eventId, tenantId: tenant },
    });
    const [anomaly] = await sql`
      select status, resolved_by, resolution_note from anomalies
      where id = ${first.resolvedAnomalies[0]!}
    `;
    expect(anomaly).toMatchObject({
      status: 'resolved',
      resolved_by: 'environment admin',
    });
    expect(anomaly!.resolution_note).toContain(first.eventId!);

    const byAdmin = await admin().deliveries.byId({ id: original.deliveryId });
    expect(byAdmin.reprocessings.map((d) => d.id)).toEqual([first.deliveryId]);
    // A quarantined delivery has no md5 yet; its body's sha256 finds it.
    const found = await admin().deliveries.list({ search: sha256(body) });
    expect(found.items.map((d) => d.id)).toEqual([
      first.deliveryId,
      original.deliveryId,
    ]);
    const visible = await operator().deliveries.list({ search: sha256(body) });
    expect(visible.items.map((d) => d.id)).toEqual([first.deliveryId]);

    // Twice: a duplicate of the same event, and nothing else moves.
    const second = await admin().deliveries.reprocess({
      id: original.deliveryId,
    });
    expect(second).toMatchObject({
      outcome: 'duplicate',
      eventId: first.eventId,
      resolvedAnomalies: [],
    });
    expect(await countsFor(md5, sha256(body))).toEqual(after);

    const audit = await sql`
      select actor_kind, actor_id, detail from audit_entries
      where action = 'delivery.reprocess' and target_id = ${original.deliveryId}
      order by at
    `;
    expect(audit.map((row) => row.detail.outcome)).toEqual([
      'accepted',
      'duplicate',
    ]);
    expect(audit[0]).toMatchObject({
      actor_kind: 'environment',
      actor_id: 'environment-admin',
    });
  });

  it('makes a duplicate of an accepted delivery, for an operator of its tenant', async () => {
    const md5 = randomMd5();
    await admin().paymentAttempts.register({
      md5,
      tenantId: tenant,
      purpose: 'SALE',
      targetRef: `sale-${md5.slice(0, 8)}`,
      amount: '25000',
      currency: 'KHR',
      receiverAccountId: 'demo_cafe@devb',
    });
    const sent = await send(ingestContext(sql), makeConfirmation({ md5 }));
    const again = await operator().deliveries.reprocess({
      id: String(sent.json.deliveryId),
    });
    expect(again).toMatchObject({
      outcome: 'duplicate',
      eventId: sent.json.eventId,
    });
  });

  it('leaves a body that still does not parse quarantined, counting it again', async () => {
    const body = Buffer.from(
      JSON.stringify({ eventType: 'bakong.other.event', md5: randomMd5() }),
    );
    const original = await quarantinedEarlier(body, 'unsupported_event_type');
    const result = await admin().deliveries.reprocess({
      id: original.deliveryId,
    });
    expect(result).toMatchObject({
      outcome: 'quarantined',
      reason: 'unsupported_event_type',
      eventId: null,
      resolvedAnomalies: [],
    });
    const [anomaly] = await sql`
      select status, occurrences from anomalies where subject = ${sha256(body)}
    `;
    expect(anomaly).toEqual({ status: 'open', occurrences: 2 });
  });

  it('never runs a rejected delivery', async () => {
    const messageId = `msg_${randomMd5()}`;
    const rejected = await send(ingestContext(sql), makeConfirmation(), {
      headers: { 'webhook-id': messageId, 'webhook-signature': 'v1,AAAA' },
    });
    expect(rejected.status).toBe(401);
    const [row] = await sql<{ id: string }[]>`
      select id from deliveries where message_id = ${messageId} and outcome = 'rejected'
    `;
    await expect(
      admin().deliveries.reprocess({ id: row!.id }),
    ).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('never verified'),
    });
  });
});

describe('deliveries.byId for a viewer', () => {
  it('withholds the body, header values and the payer', async () => {
    const md5 = randomMd5();
    await admin().paymentAttempts.register({
      md5,
      tenantId: tenant,
      purpose: 'SALE',
      targetRef: `sale-${md5.slice(0, 8)}`,
      amount: '25000',
      currency: 'KHR',
      receiverAccountId: 'demo_cafe@devb',
    });
    const sent = await send(ingestContext(sql), makeConfirmation({ md5 }), {
      headers: { 'user-agent': 'relay/1.0 (ops@example.com)' },
    });
    const id = String(sent.json.deliveryId);
    const full = await operator().deliveries.byId({ id });
    expect(full.masked).toBe(false);
    expect(full.body?.text).toContain('abaakhppxxx@abaa');
    expect(full.headers['user-agent']).toContain('ops@example.com');
    expect(full.event?.payerAccountId).toBe('abaakhppxxx@abaa');

    const viewer = callerFor(tokenCaller('viewer', [tenant]), sql);
    const masked = await viewer.deliveries.byId({ id });
    expect(masked).toMatchObject({
      masked: true,
      body: null,
      remoteAddress: null,
    });
    expect(masked.headers['user-agent']).toBe('[masked]');
    expect(masked.headers['webhook-id']).toBe(full.headers['webhook-id']);
    expect(masked.event?.payerAccountId).toBe('ab***@abaa');
    const event = await viewer.events.byId({ id: String(sent.json.eventId) });
    expect(JSON.stringify(event)).not.toContain('abaakhppxxx');
  });
});
