import client from 'prom-client';

import type { Sql } from '../../db/client';

type Row = { metric: string; label: string | null; value: number };

/**
 * State read from the database at scrape time, so it is right whichever
 * process (web or worker) changed it: dispatches by status, those not yet
 * moved into the queue by the relay, the queue's depth and the age of its
 * oldest runnable job, open anomalies by kind, events still waiting for
 * their payment attempt.
 */
export async function collectDatabaseGauges(
  sql: Sql,
): Promise<client.Registry> {
  const rows = await sql<Row[]>`
    select 'dispatches' as metric, status as label, count(*)::int as value
      from dispatches where status <> 'succeeded' group by status
    union all
    select 'anomalies_open', kind, count(*)::int
      from anomalies where status <> 'resolved' group by kind
    union all
    select 'events_unresolved', null, count(*)::int from events where tenant_id is null
    union all
    select 'queue_depth', null, count(*)::int
      from graphile_worker.jobs where locked_at is null and attempts < max_attempts
    union all
    select 'awaiting_queue', null, count(*)::int
      from dispatches where enqueued_at is null
    union all
    select 'queue_oldest_seconds', null,
      coalesce(extract(epoch from now() - min(run_at))::int, 0)
      from graphile_worker.jobs
      where locked_at is null and attempts < max_attempts and run_at <= now()
  `;
  const registry = new client.Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new client.Gauge({ name, help, labelNames, registers: [registry] });
  const dispatches = gauge(
    'gateway_dispatches',
    'Dispatches not yet succeeded, by status',
    ['status'],
  );
  const anomalies = gauge(
    'gateway_anomalies_open',
    'Open or acknowledged anomalies, by kind',
    ['kind'],
  );
  const unresolved = gauge(
    'gateway_events_unresolved',
    'Events waiting for their attempt',
  );
  const depth = gauge('gateway_queue_depth', 'Dispatch jobs waiting to run');
  const awaiting = gauge(
    'gateway_dispatches_awaiting_queue',
    'Dispatches the relay has not yet moved into the queue',
  );
  const oldest = gauge(
    'gateway_queue_oldest_pending_seconds',
    'Age of the oldest runnable job',
  );
  for (const status of ['pending', 'running', 'failed', 'dead'])
    dispatches.set({ status }, 0);
  for (const row of rows) {
    if (row.metric === 'dispatches')
      dispatches.set({ status: row.label ?? '' }, row.value);
    if (row.metric === 'anomalies_open')
      anomalies.set({ kind: row.label ?? '' }, row.value);
    if (row.metric === 'events_unresolved') unresolved.set(row.value);
    if (row.metric === 'queue_depth') depth.set(row.value);
    if (row.metric === 'awaiting_queue') awaiting.set(row.value);
    if (row.metric === 'queue_oldest_seconds') oldest.set(row.value);
  }
  return registry;
}
