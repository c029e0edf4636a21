import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { createSql, type Sql } from '../../db/client';
import {
  createDatabaseOn,
  type ScratchDatabase,
} from '../../db/scratch-database';
import { seedThreeTenants } from '../../test/seed-three-tenants';
import { ADMIN, callerFor, tokenCaller } from '../../test/trpc-harness';
import type { Caller } from '../auth/caller';

// Thousands of rows: a database of this file's own, so the other files'
// queries stay small.
let database: ScratchDatabase;
let sql: Sql;
beforeAll(async () => {
  database = await createDatabaseOn(
    inject('serverUrl'),
    `gw_isolation_${randomBytes(5).toString('hex')}`,
  );
  sql = createSql(database.url, { max: 6 });
  await seedThreeTenants(sql);
}, 120_000);
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

const operatorA = tokenCaller('operator', ['tenant-a']);
const viewerBC = tokenCaller('viewer', ['tenant-b', 'tenant-c']);
const operatorOfAll = tokenCaller('operator', 'all');

type Listed = { id: string; tenantId: string | null };
type Lister = (
  caller: Caller,
  input: { cursor?: string; limit?: number; from?: string; to?: string },
) => Promise<{ items: Listed[]; nextCursor: string | null }>;

type ListCase = {
  list: Lister;
  /** The ids the list must return for a caller over `tenants`, in order. */
  expected: (tenants: Caller['tenants']) => Promise<string[]>;
  /** The callers to try; by default an operator, a viewer and an admin. */
  admitted?: Caller[];
};

/** Every list that holds tenant rows. */
const LISTS: Record<string, ListCase> = {
  'deliveries.list': {
    list: (caller, input) => callerFor(caller, sql).deliveries.list(input),
    expected: (tenants) =>
      idsOf(sql`
      select d.id from deliveries d left join events e on e.id = d.event_id
      where ${scope(tenants, 'e.tenant_id')} order by d.received_at desc, d.id desc
    `),
  },
  'events.list': {
    list: (caller, input) => callerFor(caller, sql).events.list(input),
    expected: (tenants) =>
      idsOf(sql`
      select id from events where ${scope(tenants, 'tenant_id')}
      order by created_at desc, id desc
    `),
  },
  'dispatches.list': {
    list: (caller, input) => callerFor(caller, sql).dispatches.list(input),
    expected: (tenants) =>
      idsOf(sql`
      select id from dispatches where ${scope(tenants, 'tenant_id')}
      order by created_at desc, id desc
    `),
  },
  'anomalies.list': {
    list: (caller, input) => callerFor(caller, sql).anomalies.list(input),
    expected: (tenants) =>
      idsOf(sql`
      select id from anomalies where ${scope(tenants, 'tenant_id')}
      order by opened_at desc, id desc
    `),
  },
  'paymentAttempts.list': {
    list: (caller, input) => callerFor(caller, sql).paymentAttempts.list(input),
    expected: (tenants) =>
      idsOf(sql`
      select id from payment_attempts where ${scope(tenants, 'tenant_id')}
      order by created_at desc, id desc
    `),
  },
  'auditLog.list': {
    list: (caller, input) => callerFor(caller, sql).auditLog.list(input),
    expected: (tenants) =>
      idsOf(sql`
      select id from audit_entries where ${scope(tenants, 'tenant_id')}
      order by at desc, id desc
    `),
    admitted: [ADMIN, operatorA],
  },
};

const describeCaller = (caller: Caller) =>
  `${caller.role} of ${caller.tenants === 'all' ? 'all' : caller.tenants.join('+')}`;

/** The visibility rule, written again independently of tenant-scope.ts. */
function scope(tenants: Caller['tenants'], column: string) {
  return tenants === 'all'
    ? sql`true`
    : sql`${sql(column)} in ${sql(tenants as string[])}`;
}

async function idsOf(query: Promise<{ id: string }[]>): Promise<string[]> {
  return (await query).map((row) => row.id);
}

/** Pages through a list to its end, bounded in case a cursor never ends. */
async function everyPage(
  list: Lister,
  caller: Caller,
  limit: number,
  range = {},
) {
  const items: Listed[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const answer = await list(caller, { ...range, limit, cursor });
    expect(answer.items.length).toBeLessThanOrEqual(limit);
    items.push(...answer.items);
    if (answer.nextCursor === null) return items;
    cursor = answer.nextCursor;
  }
  throw new Error('a list did not end within 1000 pages');
}

describe('lists over three tenants', () => {
  it('the seed is big enough to mean something', async () => {
    const [counts] = await sql<Record<string, number>[]>`
      select (select count(*)::int from deliveries) as deliveries,
             (select count(*)::int from events) as events,
             (select count(*)::int from dispatches) as dispatches,
             (select count(*)::int from anomalies) as anomalies
    `;
    expect(counts!.deliveries).toBeGreaterThan(3500);
    expect(counts!.events).toBe(3000);
  });

  for (const [name, { list, expected, admitted }] of Object.entries(LISTS)) {
    for (const caller of admitted ?? [operatorA, viewerBC, ADMIN]) {
      const who = describeCaller(caller);
      it(`${name} for the ${who}: every visible row once, in order, no other`, async () => {
        const want = await expected(caller.tenants);
        // An odd page size, so that pages end inside groups of equal times.
        expect(want.length).toBeGreaterThan(97);
        const got = await everyPage(list, caller, 97);
        expect(got.map((item) => item.id)).toEqual(want);
        if (caller.tenants !== 'all') {
          const allowed = new Set<string | null>(caller.tenants);
          expect(got.filter((item) => !allowed.has(item.tenantId))).toEqual([]);
        }
      });
    }
  }

  it('the largest page size walks the same rows', async () => {
    const { list, expected } = LISTS['deliveries.list']!;
    const got = await everyPage(list, operatorA, 200);
    expect(got.map((item) => item.id)).toEqual(await expected(['tenant-a']));
  });

  it("a filter naming another tenant finds nothing, even by that tenant's md5", async () => {
    const a = callerFor(operatorA, sql);
    expect((await a.events.list({ tenantId: 'tenant-b' })).items).toEqual([]);
    expect((await a.deliveries.list({ tenantId: 'tenant-b' })).items).toEqual(
      [],
    );
    const [b] = await sql<{ md5: string }[]>`
      select correlation_key as md5 from events where tenant_id = 'tenant-b' limit 1
    `;
    expect((await a.deliveries.list({ search: b!.md5 })).items).toEqual([]);
    expect((await a.events.list({ search: b!.md5 })).items).toEqual([]);
    const byAdmin = await callerFor(ADMIN, sql).events.list({ search: b!.md5 });
    expect(byAdmin.items.map((item) => item.md5)).toEqual([b!.md5]);
  });

  it('events with no tenant are listed for an admin only', async () => {
    const waiting = await everyPage(
      LISTS['events.list']!.list,
      operatorOfAll,
      200,
    );
    expect(waiting.some((item) => item.tenantId === null)).toBe(false);
    const unresolved = await callerFor(ADMIN, sql).events.list({
      resolved: false,
      limit: 200,
    });
    expect(unresolved.items.length).toBe(200);
    expect(unresolved.items.every((item) => item.tenantId === null)).toBe(true);
  });

  it('a viewer reads payer account ids masked', async () => {
    const page = await callerFor(viewerBC, sql).events.list({ limit: 20 });
    expect(
      page.items.every((item) => item.payerAccountId?.includes('***@aba')),
    ).toBe(true);
    const anomalies = await callerFor(viewerBC, sql).anomalies.list({
      limit: 200,
    });
    expect(JSON.stringify(anomalies)).not.toMatch(/payer\d+@/);
  });

  it('a cursor that is not one is BAD_REQUEST', async () => {
    await expect(
      callerFor(operatorA, sql).events.list({ cursor: 'bm90IGEgY3Vyc29y' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('stats.overview', () => {
  for (const caller of [operatorA, viewerBC, ADMIN]) {
    const who = describeCaller(caller);
    it(`agrees with the rows the ${who} can list`, async () => {
      const overview = await callerFor(caller, sql).stats.overview({});
      const range = { from: overview.window.from, to: overview.window.to };
      expect(Date.parse(range.to) - Date.parse(range.from)).toBe(
        24 * 3600 * 1000,
      );

      const deliveries = await everyPage(
        LISTS['deliveries.list']!.list,
        caller,
        200,
        range,
      );
      expect(deliveries.length).toBeGreaterThan(500);
      expect(overview.deliveries.total).toBe(deliveries.length);
      const byOutcome: Record<string, number> = {};
      for (const row of deliveries as unknown as { outcome: string }[]) {
        byOutcome[row.outcome] = (byOutcome[row.outcome] ?? 0) + 1;
      }
      for (const [outcome, count] of Object.entries(
        overview.deliveries.byOutcome,
      )) {
        expect(count, outcome).toBe(byOutcome[outcome] ?? 0);
      }
      const charted = overview.series.reduce((sum, bar) => sum + bar.total, 0);
      expect(charted).toBe(deliveries.length);
      expect(overview.series).toHaveLength(48);
      for (const bar of overview.series) {
        const parts =
          bar.accepted + bar.duplicate + bar.quarantined + bar.rejected;
        expect(parts).toBe(bar.total);
      }

      const events = await everyPage(
        LISTS['events.list']!.list,
        caller,
        200,
        range,
      );
      expect(overview.events.total).toBe(events.length);
      expect(overview.events.unresolved).toBe(
        events.filter((event) => event.tenantId === null).length,
      );
      const dispatches = await everyPage(
        LISTS['dispatches.list']!.list,
        caller,
        200,
        range,
      );
      expect(overview.dispatches.total).toBe(dispatches.length);
      const anomalies = await everyPage(
        LISTS['anomalies.list']!.list,
        caller,
        200,
        range,
      );
      expect(overview.anomalies.total).toBe(anomalies.length);
      const open = anomalies.filter(
        (anomaly) =>
          (anomaly as unknown as { status: string }).status === 'open',
      ).length;
      const openByKind = Object.values(overview.anomalies.openByKind);
      expect(openByKind.reduce((sum, count) => sum + count, 0)).toBe(open);
    });
  }

  it('is all zeros for a filter naming another tenant', async () => {
    const overview = await callerFor(operatorA, sql).stats.overview({
      tenantId: 'tenant-b',
    });
    expect(overview.deliveries.total).toBe(0);
    expect(overview.events.total).toBe(0);
    expect(overview.dispatches.total).toBe(0);
    expect(overview.anomalies.total).toBe(0);
    expect(overview.series.every((bar) => bar.total === 0)).toBe(true);
  });

  it('refuses a window longer than 31 days or running backwards', async () => {
    const stats = callerFor(operatorA, sql).stats;
    await expect(
      stats.overview({
        from: '2026-01-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      stats.overview({
        from: '2026-01-02T00:00:00Z',
        to: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
