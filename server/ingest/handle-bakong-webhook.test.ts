import { createHash, randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import {
  makeConfirmation,
  signedHeaders,
} from '../providers/bakong/make-confirmation';
import {
  KEY_1,
  KEY_2,
  ingestContext,
  send,
  testSql,
} from '../../test/ingest-harness';

const sql = testSql();
const ctx = ingestContext(sql);
afterAll(() => sql.end({ timeout: 5 }));

const deliveryRow = async (id: unknown) => {
  const [row] = await sql`select * from deliveries where id = ${String(id)}`;
  return row!;
};
const sha256 = (bytes: Buffer | string) =>
  createHash('sha256').update(bytes).digest('hex');

describe('a signed confirmation', () => {
  it('is stored and answered accepted, then duplicate', async () => {
    const body = makeConfirmation({ amount: '4.5', currency: 'USD' });
    const first = await send(ctx, body);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'accepted' });

    const delivery = await deliveryRow(first.json.deliveryId);
    expect(delivery.outcome).toBe('accepted');
    expect(Buffer.from(delivery.body).toString()).toBe(body);
    expect(delivery.body_sha256).toBe(sha256(body));
    expect(delivery.secret_id).toMatch(/^key_[0-9a-f]{12}$/);
    expect(delivery.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(delivery.headers['webhook-id']).toMatch(/^msg_/);
    const [event] =
      await sql`select * from events where id = ${String(first.json.eventId)}`;
    expect(event!.amount_minor).toBe('450');
    expect(event!.currency).toBe('USD');

    // The same payment again, with a fresh message id and timestamp, and
    // its keys in another order: one event, two deliveries.
    const reordered = JSON.stringify(
      Object.fromEntries(Object.entries(JSON.parse(body) as object).reverse()),
    );
    const second = await send(ctx, reordered);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({
      status: 'duplicate',
      eventId: first.json.eventId,
    });
    const [{ n }] = (await sql`
      select count(*)::int as n from deliveries where event_id = ${String(first.json.eventId)}
    `) as [{ n: number }];
    expect(n).toBe(2);
  });

  it('with the same hash and another proof is quarantined as a conflict', async () => {
    const hash = randomBytes(32).toString('hex');
    const md5 = createHash('md5').update(hash).digest('hex');
    const original = await send(
      ctx,
      makeConfirmation({ hash, md5, amount: '25000' }),
    );
    expect(original.json.status).toBe('accepted');

    for (let i = 0; i < 2; i += 1) {
      const conflict = await send(
        ctx,
        makeConfirmation({ hash, md5, amount: '26000' }),
      );
      expect(conflict.status).toBe(202);
      expect(conflict.json).toEqual({
        status: 'quarantined',
        reason: 'conflicting_redelivery',
        deliveryId: expect.any(String),
      });
    }
    const anomalies = await sql`
      select * from anomalies where event_id = ${String(original.json.eventId)}
      order by kind
    `;
    // No attempt was registered for this md5, so it is also unknown.
    expect(anomalies.map((a) => a.kind)).toEqual([
      'conflicting_redelivery',
      'unknown_payment',
    ]);
    expect(anomalies[0]!.occurrences).toBe(2);
    expect(anomalies[0]!.detail.expected.amountMinor).toBe('25000');
    expect(anomalies[0]!.detail.received.amountMinor).toBe('26000');
  });
});

describe('raw bytes', () => {
  const compact = makeConfirmation();
  const variants: [string, string | Buffer][] = [
    ['pretty-printed', JSON.stringify(JSON.parse(compact), null, 2)],
    [
      'CRLF line ends',
      JSON.stringify(JSON.parse(compact), null, 2).replace(/\n/g, '\r\n'),
    ],
    ['escaped slashes', compact.replace('POS-000123', 'POS\\/000123')],
    ['\\u00e9 escapes', compact.replace('POS-000123', 'caf\\u00e9')],
    ['emoji', compact.replace('POS-000123', 'paid ☕🎉')],
    [
      'a BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(compact)]),
    ],
  ];

  it.each(variants)('%s: verified over the bytes as sent', async (_, body) => {
    const hash = randomBytes(32).toString('hex');
    const text = body
      .toString()
      .replace(/"hash": ?"[0-9a-f]{64}"/, `"hash":"${hash}"`);
    const bytes = Buffer.isBuffer(body)
      ? Buffer.concat([body.subarray(0, 3), Buffer.from(text.slice(1))])
      : Buffer.from(text);
    const answer = await send(ctx, bytes);
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe('accepted');
    const delivery = await deliveryRow(answer.json.deliveryId);
    expect(Buffer.compare(Buffer.from(delivery.body), bytes)).toBe(0);
  });

  it.each(variants)(
    '%s: refused when signed over a re-serialized form',
    async (_, body) => {
      const reserialized = JSON.stringify(
        JSON.parse(body.toString().replace(/^\uFEFF/, '')),
      );
      const headers = signedHeaders({ body: reserialized, key: KEY_1 });
      const answer = await send(ctx, body, { headers });
      if (Buffer.from(reserialized).equals(Buffer.from(body))) return;
      expect(answer.status).toBe(401);
      expect(answer.json.error).toBe('signature_mismatch');
    },
  );
});

describe('rotation', () => {
  it('accepts either active secret, in either order of entries', async () => {
    const body = makeConfirmation();
    const one = signedHeaders({ body, key: KEY_1, messageId: 'msg_rot1' });
    const two = signedHeaders({
      body,
      key: KEY_2,
      messageId: 'msg_rot1',
      timestampSeconds: Number(one['webhook-timestamp']),
    });
    for (const signature of [
      two['webhook-signature']!,
      `${one['webhook-signature']} ${two['webhook-signature']}`,
      `${two['webhook-signature']} ${one['webhook-signature']}`,
      `v2,abc ${one['webhook-signature']}`,
    ]) {
      const answer = await send(ctx, body, {
        headers: { ...one, 'webhook-signature': signature },
      });
      expect(answer.status).toBe(200);
    }
  });

  it('uses only the secrets that are active', async () => {
    const onlyNew = ingestContext(sql, {
      secrets: ingestContext(sql).secrets.slice(1),
    });
    const answer = await send(onlyNew, makeConfirmation(), { key: KEY_1 });
    expect(answer.status).toBe(401);
  });

  it.each([
    ['wrong length', 'v1,AAAA'],
    ['not base64', 'v1,@@@@not-base64@@@@'],
    ['empty entry', 'v1,'],
    ['only other versions', 'v2,LZcJYxeNtk4nBkN+IHDxSQIM41a2OHFNotXHDcIcucY='],
  ])('a signature of %s is 401, not 500', async (_, signature) => {
    const answer = await send(ctx, makeConfirmation(), {
      headers: { 'webhook-signature': signature },
    });
    expect(answer.status).toBe(401);
  });
});

describe('the timestamp window', () => {
  const now = Date.now();
  const at = ingestContext(sql, { now: () => now });
  const seconds = Math.floor(now / 1000);

  it.each([-299, 299, -300, 300])(
    '%i s from the clock passes',
    async (skew) => {
      const answer = await send(at, makeConfirmation(), {
        timestampSeconds: seconds + skew,
      });
      expect(answer.status).toBe(200);
    },
  );

  it.each([-301, 301])('%i s from the clock is 401', async (skew) => {
    const answer = await send(at, makeConfirmation(), {
      timestampSeconds: seconds + skew,
    });
    expect(answer.status).toBe(401);
    expect(answer.json.error).toBe('timestamp_out_of_tolerance');
    const delivery = await sql`
      select outcome, reason, status_code from deliveries
      where request_id is null and reason = 'timestamp_out_of_tolerance'
      order by received_at desc limit 1
    `;
    expect(delivery[0]).toMatchObject({
      outcome: 'rejected',
      status_code: 401,
    });
  });
});

describe('the size cap', () => {
  const small = ingestContext(sql, { maxBodyBytes: 2048 });
  const big = makeConfirmation().replace('POS-000123', 'x'.repeat(6000));

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const answer = await send(small, big, {
      headers: { 'content-length': String(Buffer.byteLength(big)) },
    });
    expect(answer.status).toBe(413);
  });

  it('stops reading a streamed body at the cap', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i += 1)
          controller.enqueue(Buffer.alloc(1024, 0x20));
        controller.close();
      },
    });
    const request = new Request('http://127.0.0.1/api/webhooks/bakong', {
      method: 'POST',
      headers: signedHeaders({ body: big, key: KEY_1 }),
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const { handleBakongWebhook } = await import('./handle-bakong-webhook');
    const response = await handleBakongWebhook(request, small);
    expect(response.status).toBe(413);
    const body = (await response.json()) as {
      deliveryId?: string;
      error: string;
    };
    expect(body.error).toBe('body_too_large');
  });

  it('keeps at most 4 KiB of a refused body, and the hash of what was read', async () => {
    const answer = await send(ctx, big, {
      headers: { 'webhook-signature': 'v1,AAAA' },
    });
    expect(answer.status).toBe(401);
    const [row] = await sql`
      select body, body_bytes, body_sha256, body_truncated from deliveries
      where body_sha256 = ${sha256(big)}
    `;
    expect(row!.body.length).toBe(4096);
    expect(row!.body_bytes).toBe(Buffer.byteLength(big));
    expect(row!.body_truncated).toBe(true);
  });
});

describe('verified bodies that cannot be processed', () => {
  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_utf8'],
    ['not JSON', Buffer.from('{"eventId":'), 'invalid_json'],
    [
      'nested 10 000 deep',
      Buffer.from('['.repeat(10_000) + ']'.repeat(10_000)),
      'too_deep',
    ],
    ['a repeated key', Buffer.from('{"a":1,"a":1}'), 'duplicate_key'],
    [
      'an unknown type',
      Buffer.from('{"eventType":"bakong.refund"}'),
      'unsupported_event_type',
    ],
    [
      'an invalid amount',
      Buffer.from(makeConfirmation({ amount: '25000.5' })),
      'schema_invalid',
    ],
  ])('%s is stored, quarantined and flagged', async (_, body, reason) => {
    const answer = await send(ctx, body);
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ status: 'quarantined', reason });
    const delivery = await deliveryRow(answer.json.deliveryId);
    expect(Buffer.compare(Buffer.from(delivery.body), body)).toBe(0);
    expect(delivery.event_id).toBeNull();
    const [anomaly] = await sql`
      select kind, detail from anomalies where delivery_id = ${String(answer.json.deliveryId)}
    `;
    expect(anomaly).toMatchObject({
      kind: 'quarantined_delivery',
      detail: { reason },
    });
  });
});

describe('concurrency', () => {
  it('twenty identical deliveries at once make one event and twenty rows', async () => {
    const body = makeConfirmation();
    const headers = signedHeaders({ body, key: KEY_1 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send(ctx, body, { headers })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const statuses = answers.map((a) => a.json.status).sort();
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    const eventIds = new Set(answers.map((a) => a.json.eventId));
    expect(eventIds.size).toBe(1);
    const [{ n }] = (await sql`
      select count(*)::int as n from deliveries where event_id = ${String([...eventIds][0])}
    `) as [{ n: number }];
    expect(n).toBe(20);
  });
});
