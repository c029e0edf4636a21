import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';

import { createSql } from '../../db/client';
import { createDatabaseOn } from '../../db/scratch-database';
import { pruneRetention } from './prune-retention';

let database: Awaited<ReturnType<typeof createDatabaseOn>>;
let sql: ReturnType<typeof createSql>;
beforeAll(async () => {
  // A database of its own: pruning must not touch other files' rows.
  database = await createDatabaseOn(
    inject('serverUrl'),
    `gw_retention_${randomBytes(4).toString('hex')}`,
  );
  sql = createSql(database.url, { max: 2 });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
  await database.drop();
});

async function delivery(outcome: string, daysAgo: number) {
  const [row] = await sql<{ id: string }[]>`
    insert into deliveries (provider, received_at, method, headers, body, body_bytes,
      body_sha256, outcome, status_code)
    values ('BAKONG', now() - make_interval(days => ${daysAgo}), 'POST', '{}', '\\x7b7d',
      2, 'sha', ${outcome}, ${outcome === 'rejected' ? 401 : 200})
    returning id
  `;
  return row!.id;
}

it('prunes only what is old: bodies past their days, refused rows past theirs', async () => {
  const oldAccepted = await delivery('accepted', 91);
  const newAccepted = await delivery('accepted', 89);
  const oldRejected = await delivery('rejected', 31);
  const newRejected = await delivery('rejected', 29);

  const pruned = await pruneRetention(sql, {
    rawBodyDays: 90,
    rejectedDays: 30,
  });
  expect(pruned).toEqual({ bodiesPruned: 1, rejectedDeleted: 1 });

  const rows = await sql<
    { id: string; body: Buffer | null; body_sha256: string }[]
  >`
    select id, body, body_sha256 from deliveries
  `;
  const byId = new Map(rows.map((row) => [row.id, row]));
  expect(byId.get(oldAccepted)?.body).toBeNull();
  expect(byId.get(oldAccepted)?.body_sha256).toBe('sha');
  expect(byId.get(newAccepted)?.body).not.toBeNull();
  expect(byId.has(oldRejected)).toBe(false);
  expect(byId.get(newRejected)?.body).not.toBeNull();

  expect(
    await pruneRetention(sql, { rawBodyDays: 90, rejectedDays: 30 }),
  ).toEqual({
    bodiesPruned: 0,
    rejectedDeleted: 0,
  });
});
