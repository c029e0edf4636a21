import { afterAll, beforeAll, expect, inject, it } from 'vitest';

import { createSql, type Sql } from './client';

// The pool every process uses, under the mix that broke it: transactions
// started while every connection is busy with a plain query.
let sql: Sql;
beforeAll(() => {
  sql = createSql(inject('serverUrl'), { max: 3 });
});
afterAll(() => sql.end({ timeout: 5 }));

it('runs every transaction on a connection of its own while the pool is busy', async () => {
  for (let round = 0; round < 5; round += 1) {
    await Promise.all([1, 2, 3].map(() => sql`select 1`));
    const busy = [1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute());
    const transactions = Array.from({ length: 5 }, () =>
      sql.begin(async (tx) => {
        const read = () => tx<{ pid: number; xid: string }[]>`
          select pg_backend_pid() as pid, txid_current()::text as xid
        `;
        const [first] = await read();
        await tx`select pg_sleep(0.005)`;
        const [second] = await read();
        return { first, second };
      }),
    );
    const outcomes = await Promise.allSettled([...busy, ...transactions]);
    const failures = outcomes.filter((o) => o.status === 'rejected');
    expect(failures.map((f) => String(f.reason))).toEqual([]);
    for (const done of await Promise.all(transactions)) {
      // Both statements ran in one transaction, on one backend.
      expect(done.second).toEqual(done.first);
    }
  }
  // No transaction was left open on a pooled connection.
  const [open] = await sql<{ open: number }[]>`
    select count(*)::int as open from pg_stat_activity
    where application_name = 'webhook-gateway' and datname = current_database()
      and state like 'idle in transaction%'
  `;
  expect(open?.open).toBe(0);
});
