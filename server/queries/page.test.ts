import { randomBytes } from 'node:crypto';

import { afterAll, expect, it } from 'vitest';

import { testSql } from '../../test/ingest-harness';
import { ADMIN } from '../../test/trpc-harness';
import { listEvents } from './list-events';
import { decodeCursor } from './page';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

// Regression: the cursor's time went through a JavaScript Date and lost
// its microseconds, so rows sharing the last row's millisecond were skipped.
it('pages through rows that share a millisecond, every row once and in order', async () => {
  const tenantId = `t-${randomBytes(4).toString('hex')}`;
  const ids: string[] = [];
  for (let micro = 1; micro <= 5; micro += 1) {
    const [row] = await sql<{ id: string }[]>`
      insert into events (provider, kind, provider_event_id, correlation_key,
        amount_minor, currency, receiver_account_id, occurred_at, normalized,
        tenant_id, created_at)
      values ('BAKONG', 'PAYMENT_CONFIRMED', ${randomBytes(32).toString('hex')},
        ${randomBytes(16).toString('hex')}, 100, 'KHR', 'r@devb', now(), '{}',
        ${tenantId}, ${`2026-01-01T00:00:00.12300${micro}Z`}::text::timestamptz)
      returning id
    `;
    ids.push(row!.id);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page += 1) {
    const result: Awaited<ReturnType<typeof listEvents>> = await listEvents(
      sql,
      ADMIN,
      { tenantId },
      { limit: 2, cursor: cursor === null ? undefined : decodeCursor(cursor)! },
    );
    seen.push(...result.items.map((item) => item.id));
    cursor = result.nextCursor;
    if (cursor === null) break;
  }
  expect(seen).toEqual([...ids].reverse());

  const oldestFirst: string[] = [];
  cursor = null;
  for (let page = 0; page < 10; page += 1) {
    const result: Awaited<ReturnType<typeof listEvents>> = await listEvents(
      sql,
      ADMIN,
      { tenantId },
      {
        limit: 2,
        order: 'asc',
        cursor: cursor === null ? undefined : decodeCursor(cursor)!,
      },
    );
    oldestFirst.push(...result.items.map((item) => item.id));
    cursor = result.nextCursor;
    if (cursor === null) break;
  }
  expect(oldestFirst).toEqual(ids);
});
