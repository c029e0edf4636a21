import { randomBytes } from 'node:crypto';

import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';

import { createSql, type Sql } from '../../db/client';
import { createDatabaseOn } from '../../db/scratch-database';
import { ingestContext, send } from '../../test/ingest-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { PEER_HEADER } from './describe-request';
import { createFloodGuard } from './flood-guard';

let database: Awaited<ReturnType<typeof createDatabaseOn>>;
let sql: Sql;
beforeAll(async () => {
  database = await createDatabaseOn(
    inject('serverUrl'),
    `gw_flood_${randomBytes(4).toString('hex')}`,
  );
  sql = createSql(database.url, { max: 10 });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
  await database.drop();
});

const count = async (table: 'deliveries' | 'events') =>
  (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`)[0]!
    .n;

it('1 000 forged deliveries end in 429s and bounded rows; a signed one passes', async () => {
  const flood = createFloodGuard({
    sql,
    log: pino({ level: 'silent' }),
    failuresPerWindow: 20,
    windowSeconds: 60,
  });
  const ctx = ingestContext(sql, { flood });
  const from = (address: string) => ({ [PEER_HEADER]: address });
  const forged = makeConfirmation();
  const statuses = new Map<number, number>();
  let verified: Awaited<ReturnType<typeof send>> | undefined;
  for (let i = 0; i < 1000; i += 1) {
    const answer = await send(ctx, forged, {
      headers: {
        ...from('198.51.100.66'),
        'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJlIGF0IGFsbCAhISE=',
      },
    });
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (i === 500) {
      // A real delivery from the same flooded address, mid-flood.
      verified = await send(ctx, makeConfirmation(), {
        headers: from('198.51.100.66'),
      });
    }
  }
  await flood.stop();

  expect(statuses.get(401)).toBe(20);
  expect(statuses.get(429)).toBe(980);
  expect(verified?.status).toBe(200);
  expect(verified?.json.status).toBe('accepted');
  // 20 refusals stored one by one, one aggregate for the rest, one delivery.
  expect(await count('deliveries')).toBe(21);
  const bursts =
    await sql`select remote_address, refused, reasons from refusal_bursts`;
  expect(bursts).toEqual([
    {
      remote_address: '198.51.100.66',
      refused: 980,
      reasons: { signature_mismatch: 980 },
    },
  ]);

  // Another address is not affected by the first one's flood.
  const other = await send(ctx, forged, {
    headers: { ...from('203.0.113.5'), 'webhook-signature': 'v1,AAAA' },
  });
  expect(other.status).toBe(401);
});

it('answers 429 with Retry-After', async () => {
  const flood = createFloodGuard({
    sql,
    log: pino({ level: 'silent' }),
    failuresPerWindow: 1,
    windowSeconds: 30,
  });
  const ctx = ingestContext(sql, { flood });
  const headers = { [PEER_HEADER]: '192.0.2.9', 'content-type': 'text/plain' };
  expect((await send(ctx, 'x', { headers })).status).toBe(415);
  const limited = await send(ctx, 'x', { headers });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(limited.json.error).toBe('rate_limited');
  await flood.stop();
});
