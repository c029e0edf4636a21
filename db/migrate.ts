import path from 'node:path';

import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { Logger as GraphileLogger, runMigrations } from 'graphile-worker';

import type { Logger } from '../server/logger';
import { createSql } from './client';

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), 'db/migrations');

const quietGraphileLogger = new GraphileLogger(() => () => {});

/** Any fixed number: every instance of the gateway takes the same lock. */
const MIGRATION_LOCK = 727_100_001;

/**
 * Applies the pending migrations. Instances that start together queue on an
 * advisory lock, so exactly one applies them and the others find them done.
 */
export async function migrateDatabase(url: string, log?: Logger) {
  const sql = createSql(url, { max: 1 });
  const started = Date.now();
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    // The queue's own schema first: our functions add jobs to it.
    await runMigrations({ connectionString: url, logger: quietGraphileLogger });
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    log?.info({ durationMs: Date.now() - started }, 'migrations applied');
  } finally {
    await sql.end({ timeout: 5 });
  }
}
