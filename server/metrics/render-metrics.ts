import { timingSafeEqual, createHash } from 'node:crypto';

import client from 'prom-client';

import type { Sql } from '../../db/client';
import { collectDatabaseGauges } from './collect-database-gauges';
import { getMetrics } from './metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request may read metrics: always when no token is configured. */
export function mayReadMetrics(
  headers: Headers,
  token: string | undefined,
): boolean {
  if (token === undefined) return true;
  const sent =
    headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '';
  return timingSafeEqual(digest(sent), digest(token));
}

/** The Prometheus text: this process's counters and the database's state. */
export async function renderMetrics(
  sql: Sql,
): Promise<{ contentType: string; body: string }> {
  const own = getMetrics().registry;
  let merged = own;
  try {
    merged = client.Registry.merge([own, await collectDatabaseGauges(sql)]);
  } catch {
    // The database is away: the process metrics still answer, and the
    // readiness probe is what reports the outage.
  }
  return { contentType: own.contentType, body: await merged.metrics() };
}
