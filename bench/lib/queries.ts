import type { PendingQuery } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller } from '../../server/auth/caller';
import {
  type AnomalyFilters,
  type AnomalySummary,
  anomaliesPageQuery,
  listAnomalies,
} from '../../server/queries/list-anomalies';
import {
  type DeliveryFilters,
  type DeliverySummary,
  deliveriesPageQuery,
  listDeliveries,
} from '../../server/queries/list-deliveries';
import {
  type EventFilters,
  type EventRow,
  eventsPageQuery,
  listEvents,
} from '../../server/queries/list-events';
import {
  decodeCursor,
  type Page,
  type PageRequest,
} from '../../server/queries/page';
import { percentile } from './load';

type Filters = DeliveryFilters & EventFilters & AnomalyFilters;
type PageQuery =
  | PendingQuery<DeliverySummary[]>
  | PendingQuery<EventRow[]>
  | PendingQuery<AnomalySummary[]>;

export type QueryTiming = {
  name: string;
  rows: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
};

export type QuerySet = {
  deliveries: number;
  tables: Record<string, { rows: number; totalMb: number }>;
  parameters: { bigTenant: string; smallTenant: string; md5: string };
  timings: QueryTiming[];
  /** EXPLAIN (ANALYZE, BUFFERS) of every query, as text. */
  explain: string;
  /** The console's own procedures over HTTP, when they are wired. */
  api: (QueryTiming & { error?: string })[] | null;
};

/** Who the bench reads as: the environment's admin, as over HTTP. */
const BENCH_ADMIN: Caller = {
  kind: 'environment',
  id: 'bench',
  name: 'bench',
  role: 'admin',
  tenants: 'all',
};
const PAGE: PageRequest = { limit: 50 };

type ListQuery = { name: string; build: () => PageQuery };

/**
 * The SQL of the console's list pages, measured directly: the very queries
 * the list procedures run (built by the same functions in server/queries,
 * run as prepared statements by postgres.js as the app runs them), newest
 * first with a keyset (time, id) cursor, 50 rows (and the one more that
 * says another page exists); the first page and page 50; filtered by a
 * large and by a small tenant; a search by KHQR md5.
 */
export async function measureListQueries(
  sql: Sql,
  options: { runs: number; budgetMs: number },
): Promise<QuerySet> {
  const tenants = await sql<{ tenantId: string; count: number }[]>`
    select tenant_id as "tenantId", count(*)::int as count from events
     where tenant_id is not null group by tenant_id order by count desc
  `;
  if (tenants.length === 0)
    throw new Error('no resolved events to measure lists on');
  const bigTenant = tenants[0]!.tenantId;
  const smallTenant = tenants.at(-1)!.tenantId;
  const [sample] = await sql<{ md5: string }[]>`
    select correlation_key as md5 from events
     order by created_at desc offset (select count(*) / 2 from events) limit 1
  `;
  const md5 = sample!.md5;

  const lists: {
    name: string;
    build: (filters: Filters, page: PageRequest) => PageQuery;
    list: (filters: Filters, page: PageRequest) => Promise<Page<unknown>>;
    extra: [string, Filters][];
  }[] = [
    {
      name: 'deliveries',
      build: (f, p) => deliveriesPageQuery(sql, BENCH_ADMIN, f, p),
      list: (f, p) => listDeliveries(sql, BENCH_ADMIN, f, p),
      extra: [],
    },
    {
      name: 'events',
      build: (f, p) => eventsPageQuery(sql, BENCH_ADMIN, f, p),
      list: (f, p) => listEvents(sql, BENCH_ADMIN, f, p),
      extra: [],
    },
    {
      name: 'anomalies',
      build: (f, p) => anomaliesPageQuery(sql, BENCH_ADMIN, f, p),
      list: (f, p) => listAnomalies(sql, BENCH_ADMIN, f, p),
      extra: [['open.first', { status: 'open' }]],
    },
  ];
  const queries: ListQuery[] = [];
  for (const list of lists) {
    // Page 50 starts where page 49 ended, found by following the cursors.
    const page50 = async (filters: Filters) => {
      let page: PageRequest = PAGE;
      for (let n = 1; n < 50; n += 1) {
        const { nextCursor } = await list.list(filters, page);
        const cursor = nextCursor === null ? null : decodeCursor(nextCursor);
        if (cursor === null) return null;
        page = { ...PAGE, cursor };
      }
      return page;
    };
    const add = (name: string, filters: Filters, page: PageRequest | null) => {
      if (page !== null)
        queries.push({
          name: `${list.name}.${name}`,
          build: () => list.build(filters, page),
        });
    };
    const big = { tenantId: bigTenant };
    add('first', {}, PAGE);
    add('page50', {}, await page50({}));
    add('tenant.first', big, PAGE);
    add('tenant.page50', big, await page50(big));
    add('smallTenant.first', { tenantId: smallTenant }, PAGE);
    for (const [name, filters] of list.extra) add(name, filters, PAGE);
    add('search.md5', { search: md5 }, PAGE);
  }

  const timings: QueryTiming[] = [];
  const explained: string[] = [];
  for (const query of queries) {
    const run = () => query.build();
    for (let i = 0; i < 5; i += 1) await run();
    const samples: number[] = [];
    let rows = 0;
    // A slow query gets at least 20 runs, then stops at its time budget.
    const deadline = performance.now() + options.budgetMs;
    for (
      let i = 0;
      i < options.runs && (i < 20 || performance.now() < deadline);
      i += 1
    ) {
      const started = performance.now();
      rows = (await run()).length;
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const round = (v: number) => Math.round(v * 100) / 100;
    timings.push({
      name: query.name,
      rows,
      p50Ms: round(percentile(samples, 0.5)),
      p95Ms: round(percentile(samples, 0.95)),
      maxMs: round(samples.at(-1) ?? 0),
    });
    const ran = await run();
    const text = ran.statement.string.replace(/\s+/g, ' ').trim();
    const plan = await sql<{ 'QUERY PLAN': string }[]>`
      explain (analyze, buffers) ${query.build()}
    `;
    explained.push(
      `-- ${query.name}\n${text}\n` +
        plan.map((line) => line['QUERY PLAN']).join('\n'),
    );
  }

  const sizes = await sql<{ table: string; rows: number; totalMb: number }[]>`
    select relname as table, reltuples::bigint::int as rows,
           round(pg_total_relation_size(oid) / 1048576.0, 1)::float8 as "totalMb"
      from pg_class
     where relname in ('deliveries', 'events', 'payment_attempts', 'dispatches',
                       'confirmations', 'anomalies') and relkind = 'r'
  `;
  const [count] = await sql<
    { n: number }[]
  >`select count(*)::int as n from deliveries`;
  return {
    deliveries: count?.n ?? 0,
    tables: Object.fromEntries(
      sizes.map((s) => [s.table, { rows: s.rows, totalMb: s.totalMb }]),
    ),
    parameters: { bigTenant, smallTenant, md5 },
    timings,
    explain: explained.join('\n\n'),
    api: null,
  };
}
