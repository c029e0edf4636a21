import type { Sql } from '../../db/client';
import {
  ANOMALY_STATUSES,
  DELIVERY_OUTCOMES,
  DISPATCH_STATUSES,
} from '../../db/schema';
import type { Caller } from '../auth/caller';
import { allOf, equalTo, within } from './conditions';
import { tenantScope } from './tenant-scope';

type Counts<K extends string> = Record<K, number>;
type Outcome = (typeof DELIVERY_OUTCOMES)[number];

export type ActivityOverview = {
  window: { from: string; to: string; bucketSeconds: number };
  deliveries: { total: number; byOutcome: Counts<Outcome> };
  events: { total: number; resolved: number; unresolved: number };
  dispatches: {
    total: number;
    byStatus: Counts<(typeof DISPATCH_STATUSES)[number]>;
  };
  /** Anomalies opened in the window, and the open ones among them by kind. */
  anomalies: {
    total: number;
    byStatus: Counts<(typeof ANOMALY_STATUSES)[number]>;
    openByKind: Record<string, number>;
  };
  /** Deliveries by outcome per bucket, every bucket of the window present. */
  series: ({ at: string; total: number } & Counts<Outcome>)[];
};

export type ActivityFilters = { tenantId?: string; branchId?: string };

/** Bucket sizes a chart can use, smallest first. */
const BUCKETS = [
  60,
  300,
  900,
  1800,
  3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86_400,
];
const MAX_BUCKETS = 60;

/** The smallest bucket that draws the window in at most 60 bars. */
export function bucketSecondsFor(windowMs: number): number {
  const fits = BUCKETS.find(
    (seconds) => windowMs / (seconds * 1000) <= MAX_BUCKETS,
  );
  return fits ?? Math.ceil(windowMs / 1000 / MAX_BUCKETS);
}

function zeros<K extends string>(keys: readonly K[]): Counts<K> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Counts<K>;
}

/**
 * What happened in [from, to) among the rows `caller` may see, with the same
 * tenant scope as the lists, so a count never includes a row the caller
 * could not open. Deliveries and the chart go by received-at, events and
 * dispatches by creation, anomalies by when they were opened.
 */
export async function summarizeActivity(
  sql: Sql,
  caller: Caller,
  window: { from: Date; to: Date },
  filters: ActivityFilters,
): Promise<ActivityOverview> {
  const range = {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
  };
  const bucketSeconds = bucketSecondsFor(
    window.to.getTime() - window.from.getTime(),
  );
  const where = (tenant: string, branch: string, time: string) =>
    allOf(sql, [
      tenantScope(sql, caller, tenant),
      ...equalTo(sql, tenant, filters.tenantId),
      ...equalTo(sql, branch, filters.branchId),
      ...within(sql, time, range),
    ]);

  const [deliveries, series, events, dispatches, anomalies] = await Promise.all(
    [
      sql<{ outcome: Outcome; count: number }[]>`
      select d.outcome, count(*)::int as count
      from deliveries d left join events e on e.id = d.event_id
      where ${where('e.tenant_id', 'e.branch_id', 'd.received_at')}
      group by d.outcome
    `,
      sql<{ bucketMs: number; outcome: Outcome; count: number }[]>`
      select
        (extract(epoch from date_bin(
          make_interval(secs => ${bucketSeconds}), d.received_at, ${range.from}::timestamptz
        )) * 1000)::float8 as "bucketMs",
        d.outcome, count(*)::int as count
      from deliveries d left join events e on e.id = d.event_id
      where ${where('e.tenant_id', 'e.branch_id', 'd.received_at')}
      group by 1, 2
    `,
      sql<{ resolved: boolean; count: number }[]>`
      select e.tenant_id is not null as resolved, count(*)::int as count
      from events e
      where ${where('e.tenant_id', 'e.branch_id', 'e.created_at')}
      group by 1
    `,
      sql<{ status: (typeof DISPATCH_STATUSES)[number]; count: number }[]>`
      select x.status, count(*)::int as count
      from dispatches x
      where ${where('x.tenant_id', 'x.branch_id', 'x.created_at')}
      group by x.status
    `,
      sql<
        {
          status: (typeof ANOMALY_STATUSES)[number];
          kind: string;
          count: number;
        }[]
      >`
      select a.status, a.kind, count(*)::int as count
      from anomalies a
      where ${where('a.tenant_id', 'a.branch_id', 'a.opened_at')}
      group by 1, 2
    `,
    ],
  );

  const byOutcome = zeros(DELIVERY_OUTCOMES);
  for (const row of deliveries) byOutcome[row.outcome] = row.count;

  const fromMs = window.from.getTime();
  const bucketMs = bucketSeconds * 1000;
  const buckets = Math.ceil((window.to.getTime() - fromMs) / bucketMs);
  const bars = Array.from({ length: buckets }, (_, i) => ({
    at: new Date(fromMs + i * bucketMs).toISOString(),
    total: 0,
    ...zeros(DELIVERY_OUTCOMES),
  }));
  for (const row of series) {
    const bar = bars[Math.round((row.bucketMs - fromMs) / bucketMs)];
    if (bar === undefined) continue;
    bar[row.outcome] += row.count;
    bar.total += row.count;
  }

  const resolved = events.find((row) => row.resolved)?.count ?? 0;
  const unresolved = events.find((row) => !row.resolved)?.count ?? 0;

  const byStatus = zeros(DISPATCH_STATUSES);
  for (const row of dispatches) byStatus[row.status] = row.count;

  const anomalyStatus = zeros(ANOMALY_STATUSES);
  const openByKind: Record<string, number> = {};
  for (const row of anomalies) {
    anomalyStatus[row.status] += row.count;
    if (row.status === 'open')
      openByKind[row.kind] = (openByKind[row.kind] ?? 0) + row.count;
  }

  const sum = (counts: Record<string, number>) =>
    Object.values(counts).reduce((total, count) => total + count, 0);
  return {
    window: { ...range, bucketSeconds },
    deliveries: { total: sum(byOutcome), byOutcome },
    events: { total: resolved + unresolved, resolved, unresolved },
    dispatches: { total: sum(byStatus), byStatus },
    anomalies: {
      total: sum(anomalyStatus),
      byStatus: anomalyStatus,
      openByKind,
    },
    series: bars,
  };
}
