import type { Sql } from '../../db/client';
import { percentile } from './load';

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

type ListQuery = { name: string; text: string; params: unknown[] };

const DELIVERY = `d.id, d.received_at, d.outcome, d.reason, d.status_code,
  d.message_id, d.event_id, d.body_bytes, d.remote_address`;
const EVENT = `e.id, e.created_at, e.kind, e.provider_event_id, e.correlation_key,
  e.amount_minor, e.currency, e.tenant_id, e.branch_id, e.resolved_at`;
const ANOMALY = `a.id, a.kind, a.status, a.tenant_id, a.subject, a.occurrences,
  a.opened_at, a.last_seen_at`;
const PAGE = 50;
/** Page 50 starts after this many rows. */
const DEEP = 49 * PAGE;

/**
 * The SQL a console list page runs, measured directly: newest first with a
 * keyset (time, id) cursor, 50 rows; the first page and page 50; filtered by
 * a large and by a small tenant (deliveries through their event, since a
 * delivery has no tenant of its own); a search by KHQR md5. The console's
 * own procedures are not written yet, so these are representative queries,
 * run as prepared statements as postgres.js runs the app's.
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

  const cursor = async (text: string, params: unknown[]) => {
    const [row] = await sql.unsafe<{ at: string; id: string }[]>(
      `${text} offset ${DEEP - 1} limit 1`,
      params as never[],
    );
    return row ? [row.at, row.id] : null;
  };
  const queries: ListQuery[] = [];
  const add = (name: string, text: string, params: unknown[]) =>
    queries.push({ name, text, params });
  const addPages = async (
    name: string,
    from: string,
    columns: string,
    order: [string, string],
    filter: string | null,
    params: unknown[],
  ) => {
    const where = filter ? `where ${filter}` : '';
    const sort = `order by ${order[0]} desc, ${order[1]} desc`;
    add(
      `${name}.first`,
      `select ${columns} from ${from} ${where} ${sort} limit ${PAGE}`,
      params,
    );
    const at = await cursor(
      `select ${order[0]}::text as at, ${order[1]}::text as id from ${from} ${where} ${sort}`,
      params,
    );
    if (!at) return;
    const n = params.length;
    // Through text: a parameter typed timestamptz goes through a JavaScript
    // Date in postgres.js and loses its microseconds.
    const keyset = `(${order[0]}, ${order[1]}) < ($${n + 1}::text::timestamptz, $${n + 2}::uuid)`;
    add(
      `${name}.page50`,
      `select ${columns} from ${from} where ${filter ? `${filter} and ` : ''}${keyset} ` +
        `${sort} limit ${PAGE}`,
      [...params, ...at],
    );
  };

  const deliveries = 'deliveries d';
  const withEvent = 'deliveries d join events e on e.id = d.event_id';
  const dOrder: [string, string] = ['d.received_at', 'd.id'];
  await addPages('deliveries', deliveries, DELIVERY, dOrder, null, []);
  await addPages(
    'deliveries.tenant',
    withEvent,
    DELIVERY,
    dOrder,
    'e.tenant_id = $1',
    [bigTenant],
  );
  add(
    'deliveries.smallTenant.first',
    `select ${DELIVERY} from ${withEvent} where e.tenant_id = $1
      order by d.received_at desc, d.id desc limit ${PAGE}`,
    [smallTenant],
  );
  add(
    'deliveries.search.md5',
    `select ${DELIVERY} from ${withEvent} where e.correlation_key = $1
      order by d.received_at desc, d.id desc limit ${PAGE}`,
    [md5],
  );

  const eOrder: [string, string] = ['e.created_at', 'e.id'];
  await addPages('events', 'events e', EVENT, eOrder, null, []);
  await addPages(
    'events.tenant',
    'events e',
    EVENT,
    eOrder,
    'e.tenant_id = $1',
    [bigTenant],
  );
  add(
    'events.smallTenant.first',
    `select ${EVENT} from events e where e.tenant_id = $1
      order by e.created_at desc, e.id desc limit ${PAGE}`,
    [smallTenant],
  );
  add(
    'events.search.md5',
    `select ${EVENT} from events e where e.correlation_key = $1
      order by e.created_at desc, e.id desc limit ${PAGE}`,
    [md5],
  );

  const aOrder: [string, string] = ['a.opened_at', 'a.id'];
  await addPages('anomalies', 'anomalies a', ANOMALY, aOrder, null, []);
  await addPages(
    'anomalies.tenant',
    'anomalies a',
    ANOMALY,
    aOrder,
    'a.tenant_id = $1',
    [bigTenant],
  );
  add(
    'anomalies.smallTenant.first',
    `select ${ANOMALY} from anomalies a where a.tenant_id = $1
      order by a.opened_at desc, a.id desc limit ${PAGE}`,
    [smallTenant],
  );
  add(
    'anomalies.open.first',
    `select ${ANOMALY} from anomalies a where a.status = 'open'
      order by a.opened_at desc, a.id desc limit ${PAGE}`,
    [],
  );
  add(
    'anomalies.search.md5',
    `select ${ANOMALY} from anomalies a join events e on e.id = a.event_id
      where e.correlation_key = $1 order by a.opened_at desc, a.id desc limit ${PAGE}`,
    [md5],
  );

  const timings: QueryTiming[] = [];
  const explained: string[] = [];
  for (const query of queries) {
    const run = () =>
      sql.unsafe(query.text, query.params as never[], { prepare: true });
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
    const plan = await sql.unsafe<{ 'QUERY PLAN': string }[]>(
      `explain (analyze, buffers) ${query.text}`,
      query.params as never[],
    );
    explained.push(
      `-- ${query.name} ${JSON.stringify(query.params)}\n${query.text.replace(/\s+/g, ' ')}\n` +
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
