import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

import * as schema from './schema';

export type Sql = postgres.Sql;

/** Connections a process's pool may open unless told otherwise. */
export const DEFAULT_POOL_MAX = 10;

/** PostgreSQL's date and time types, by OID. */
const TIME_TYPES = [1082, 1083, 1114, 1184, 1115, 1182, 1185, 1231];

export function createSql(url: string, options: { max?: number } = {}): Sql {
  const sql = postgres(url, {
    max: options.max ?? DEFAULT_POOL_MAX,
    // Fail fast when the server is gone, so callers answer 503 instead of
    // hanging; postgres.js reconnects by itself on the next query.
    connect_timeout: 5,
    // postgres.js's default reconnect backoff grows with every failed
    // attempt of the whole pool (3^n / 100 s, up to 20 s): after an outage a
    // connection sits that long before reconnecting, and requests routed to
    // it wait out the record timeout for a 503. Retry at most 1 s apart.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    // No pipelining: a query waits in the pool's own queue until a
    // connection is free, where cancelling it removes it for certain. A
    // query pipelined behind a stuck one is already on the wire, and runs
    // and commits as soon as the stuck one ends. (A runtime option of
    // postgres.js 3 that its types do not declare. 0 means none; 1 still
    // lets one query wait behind a running one. It needs the patch in
    // patches/: unpatched, postgres.js 3.4.9 fails every sql.begin with
    // UNSAFE_TRANSACTION at 0, and some at 1, leaving their BEGIN open on a
    // pooled connection.)
    ...({ max_pipeline: 0 } as object),
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    onnotice: () => {},
    connection: { application_name: 'webhook-gateway' },
  });
  // Times travel as text both ways. By default postgres.js turns them into
  // Dates, which keep milliseconds only: a row compared with its own
  // timestamp then looks newer than itself, and a keyset page skips rows
  // that share the last row's millisecond. (drizzle sets the same on the
  // pools it wraps; this makes every pool behave alike.)
  for (const oid of TIME_TYPES) {
    sql.options.parsers[oid] = (value: string) => value;
    sql.options.serializers[oid] = (value: unknown) =>
      value instanceof Date ? value.toISOString() : String(value);
  }
  return sql;
}

export function createDb(sql: Sql) {
  return drizzle(sql, { schema, casing: 'snake_case' });
}

export type Db = ReturnType<typeof createDb>;

let shared: { sql: Sql; db: Db } | undefined;

/** The process's pool, opened on first use from `DATABASE_URL`. */
export function getDatabase(): { sql: Sql; db: Db } {
  if (!shared) {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error(
        'DATABASE_URL is not set: start the gateway with `npm start`, which ' +
          'starts the embedded database and sets it, or set it yourself.',
      );
    }
    const sql = createSql(url);
    shared = { sql, db: createDb(sql) };
  }
  return shared;
}
