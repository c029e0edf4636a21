import { afterAll, expect, it } from 'vitest';

import { createSql } from '../../db/client';
import { startTcpProxy, throughProxy } from '../../test/tcp-proxy';
import { ingestContext, send } from '../../test/ingest-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { recordDelivery } from './record-delivery';
import { inject } from 'vitest';

const direct = new URL(inject('databaseUrl'));
const proxy = await startTcpProxy({
  host: direct.hostname,
  port: Number(direct.port || 5432),
});
const sql = createSql(throughProxy(direct.toString(), proxy), { max: 2 });
const ctx = ingestContext(sql, { recordTimeoutMs: 2000 });
afterAll(async () => {
  await sql.end({ timeout: 1 });
  await proxy.close();
});

it('answers 503 with Retry-After while the database is away, then recovers', async () => {
  expect((await send(ctx, makeConfirmation())).status).toBe(200);

  proxy.cut();
  const body = makeConfirmation();
  const during = await send(ctx, body);
  expect(during.status).toBe(503);
  expect(during.headers.get('retry-after')).toBe('5');
  expect(during.json.error).toBe('database_unavailable');

  proxy.restore();
  // postgres.js reconnects on the next query: no restart, no manual step.
  const after = await send(ctx, body);
  expect(after.status).toBe(200);
  expect(after.json.status).toBe('accepted');
});

// A cancel sent at the moment a statement reaches the server can miss it;
// the deadline is what keeps such a record from committing after the 503.
it('never commits a record past its deadline, and commits one before it', async () => {
  const direct = createSql(inject('databaseUrl'), { max: 1 });
  try {
    const input = (body: string) => ({
      delivery: {
        provider: 'BAKONG',
        receivedAt: new Date().toISOString(),
        requestId: null,
        remoteAddress: null,
        method: 'POST',
        headers: {},
        messageId: null,
        signedAt: null,
        bodyBytes: body.length,
        bodyTruncated: false,
        bodySha256: `deadline-${body}`,
        fingerprint: null,
        secretId: null,
        outcome: 'rejected' as const,
        reason: 'signature_mismatch',
        detail: null,
        statusCode: 401,
      },
      body: Buffer.from(body),
      event: null,
      anomaly: null,
      dispatch: { routes: {} },
    });
    const late = `${Date.now()}-late`;
    await expect(
      recordDelivery(direct, input(late), {
        deadline: new Date(Date.now() - 1),
      }),
    ).rejects.toMatchObject({ code: '57014' });
    const onTime = `${Date.now()}-on-time`;
    const recorded = await recordDelivery(direct, input(onTime), {
      deadline: new Date(Date.now() + 5000),
    });
    expect(recorded.statusCode).toBe(401);
    const rows = await direct<{ sha: string }[]>`
      select body_sha256 as sha from deliveries
      where body_sha256 in (${`deadline-${late}`}, ${`deadline-${onTime}`})
    `;
    expect(rows.map((row) => row.sha)).toEqual([`deadline-${onTime}`]);
  } finally {
    await direct.end({ timeout: 1 });
  }
});
