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

// The tenant filter and the search were rewritten for speed (a tenant
// column on deliveries, a union of index lookups instead of one OR): they
// must return exactly what the plain join and OR return. The references
// below are the queries as they were written before.
let database: ScratchDatabase;
let sql: Sql;
beforeAll(async () => {
  database = await createDatabaseOn(
    inject('serverUrl'),
    `gw_filters_${randomBytes(5).toString('hex')}`,
  );
  sql = createSql(database.url, { max: 4 });
  await seedThreeTenants(sql);
  // Fingerprints as ingest writes them: equal for repeats of one body.
  await sql`
    update deliveries d set fingerprint = md5(coalesce(d.event_id::text, d.body_sha256))
      || md5(coalesce(d.event_id::text, d.body_sha256))
    where d.outcome <> 'rejected'
  `;
}, 120_000);
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

type Listed = { id: string };
type Input = {
  tenantId?: string;
  search?: string;
  cursor?: string;
  limit?: number;
};
type Lister = (
  caller: Caller,
  input: Input,
) => Promise<{ items: Listed[]; nextCursor: string | null }>;

const CALLERS: Caller[] = [
  ADMIN,
  tokenCaller('operator', ['tenant-a']),
  tokenCaller('viewer', ['tenant-b', 'tenant-c']),
  tokenCaller('operator', 'all'),
];

/** Every page of a list, in order, bounded in case a cursor never ends. */
async function everyPage(
  list: Lister,
  caller: Caller,
  input: Input,
  limit: number,
) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 500; page += 1) {
    const answer = await list(caller, { ...input, limit, cursor });
    expect(answer.items.length).toBeLessThanOrEqual(limit);
    ids.push(...answer.items.map((item) => item.id));
    if (answer.nextCursor === null) return ids;
    cursor = answer.nextCursor;
  }
  throw new Error('a list did not end within 500 pages');
}

/** Who may see a row of `column`'s tenant, as canSeeTenant says. */
function visible(caller: Caller, column: string) {
  if (caller.role === 'admin' && caller.tenants === 'all') return sql`true`;
  if (caller.tenants === 'all') return sql`${sql(column)} is not null`;
  return sql`${sql(column)} in ${sql(caller.tenants as string[])}`;
}

const ids = async (rows: Promise<{ id: string }[]>) =>
  (await rows).map((row) => row.id);

/** The reference queries: the join and the OR, as written before. */
const REFERENCE = {
  deliveries: (caller: Caller, tenantId: string | null, text: string | null) =>
    ids(sql`
      select d.id from deliveries d left join events e on e.id = d.event_id
      where ${visible(caller, 'e.tenant_id')}
        and ${tenantId === null ? sql`true` : sql`e.tenant_id = ${tenantId}`}
        and ${
          text === null
            ? sql`true`
            : sql`(d.message_id = ${text}
                or e.correlation_key = ${text.toLowerCase()}
                or e.provider_event_id = ${text.toLowerCase()}
                or d.body_sha256 = ${text.toLowerCase()}
                or d.fingerprint = ${text.toLowerCase()}
                or d.id::text = ${text.toLowerCase()}
                or d.event_id::text = ${text.toLowerCase()})`
        }
      order by d.received_at desc, d.id desc
    `),
  events: (caller: Caller, tenantId: string | null, text: string | null) =>
    ids(sql`
      select e.id from events e
      where ${visible(caller, 'e.tenant_id')}
        and ${tenantId === null ? sql`true` : sql`e.tenant_id = ${tenantId}`}
        and ${
          text === null
            ? sql`true`
            : sql`(e.correlation_key = ${text.toLowerCase()}
                or e.provider_event_id = ${text.toLowerCase()}
                or e.id::text = ${text.toLowerCase()}
                or exists (select 1 from deliveries d
                           where d.event_id = e.id and d.message_id = ${text}))`
        }
      order by e.created_at desc, e.id desc
    `),
  anomalies: (caller: Caller, tenantId: string | null, text: string | null) =>
    ids(sql`
      select a.id from anomalies a
      where ${visible(caller, 'a.tenant_id')}
        and ${tenantId === null ? sql`true` : sql`a.tenant_id = ${tenantId}`}
        and ${
          text === null
            ? sql`true`
            : sql`(a.subject = ${text}
                or a.id::text = ${text.toLowerCase()}
                or a.event_id::text = ${text.toLowerCase()}
                or a.delivery_id::text = ${text.toLowerCase()}
                or exists (select 1 from events e where e.id = a.event_id
                           and (e.correlation_key = ${text.toLowerCase()}
                                or e.provider_event_id = ${text.toLowerCase()})))`
        }
      order by a.opened_at desc, a.id desc
    `),
};

const LISTS: Record<keyof typeof REFERENCE, Lister> = {
  deliveries: (caller, input) => callerFor(caller, sql).deliveries.list(input),
  events: (caller, input) => callerFor(caller, sql).events.list(input),
  anomalies: (caller, input) => callerFor(caller, sql).anomalies.list(input),
};

/**
 * What an operator would paste into the search box: each kind of value the
 * search matches, taken from the seeded rows, in upper case too, and text
 * that matches nothing.
 */
async function searchTerms(): Promise<string[]> {
  const [row] = await sql<Record<string, string>[]>`
    select
      (select correlation_key from events where tenant_id = 'tenant-a'
        order by created_at desc limit 1) as "md5",
      (select correlation_key from events where tenant_id is null
        order by created_at desc limit 1) as "unresolvedMd5",
      (select provider_event_id from events where tenant_id = 'tenant-b'
        order by created_at limit 1) as "hash",
      (select e.id::text from events e where e.tenant_id = 'tenant-c'
        and exists (select 1 from anomalies a where a.event_id = e.id)
        order by e.created_at limit 1) as "eventId",
      (select d.message_id from deliveries d join events e on e.id = d.event_id
        where e.tenant_id = 'tenant-c' order by d.received_at limit 1) as "messageId",
      (select message_id from deliveries where outcome = 'rejected' limit 1)
        as "refusedMessageId",
      (select body_sha256 from deliveries where outcome = 'quarantined' limit 1)
        as "quarantinedSha256",
      (select d.fingerprint from deliveries d join events e on e.id = d.event_id
        where e.tenant_id = 'tenant-a' and d.outcome = 'duplicate' limit 1)
        as "fingerprint",
      (select id::text from deliveries where outcome = 'duplicate' limit 1)
        as "deliveryId",
      (select id::text from anomalies where tenant_id = 'tenant-b' limit 1)
        as "anomalyId"
  `;
  const terms = Object.values(row!);
  for (const term of terms) expect(term).toEqual(expect.any(String));
  return [
    ...terms,
    row!.md5!.toUpperCase(),
    row!.deliveryId!.toUpperCase(),
    'no-such-thing',
    '00000000-0000-4000-8000-000000000000',
  ];
}

describe('list filters return what the plain join and OR return', () => {
  for (const [name, list] of Object.entries(LISTS)) {
    const reference = REFERENCE[name as keyof typeof REFERENCE];

    it(`${name}: by tenant, for every caller, over every page`, async () => {
      for (const caller of CALLERS) {
        for (const tenantId of ['tenant-a', 'tenant-b', 'tenant-c']) {
          const expected = await reference(caller, tenantId, null);
          const got = await everyPage(list, caller, { tenantId }, 97);
          expect(got, `${caller.id} ${tenantId}`).toEqual(expected);
        }
      }
      const all = await reference(ADMIN, 'tenant-a', null);
      expect(all.length).toBeGreaterThan(50);
    });

    it(`${name}: every page in order with no row twice or missing`, async () => {
      const caller = tokenCaller('viewer', ['tenant-b', 'tenant-c']);
      const expected = await reference(caller, null, null);
      const got = await everyPage(list, caller, {}, 13);
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual(expected);
    });

    it(`${name}: search, for every caller`, async () => {
      let found = 0;
      for (const text of await searchTerms()) {
        for (const caller of CALLERS) {
          const expected = await reference(caller, null, text);
          const got = await everyPage(list, caller, { search: text }, 3);
          expect(got, `${caller.id} ${text}`).toEqual(expected);
          found += got.length;
          const narrowed = await everyPage(
            list,
            caller,
            { search: text, tenantId: 'tenant-c' },
            50,
          );
          expect(narrowed).toEqual(await reference(caller, 'tenant-c', text));
        }
      }
      expect(found).toBeGreaterThan(5);
    });
  }
});
