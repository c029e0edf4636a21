import { parseArgs } from 'node:util';

import { createSql } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { openDatabase, redactUrl } from '../server/runtime/open-database';
import { seedBulk } from './lib/seed';

const USAGE = `npm run seed:bulk -- --deliveries N [--database-url URL] [--batch N]

Fills a gateway database with realistic history, set-based (see
bench/lib/seed.ts): N deliveries over 90 days and nine tenants, with their
events, payment attempts, dispatches, confirmations and anomalies.
Without --database-url it uses DATABASE_URL, and without that the embedded
PostgreSQL that \`npm start\` uses (under DATA_DIR, default .data).`;

async function main() {
  const { values } = parseArgs({
    options: {
      deliveries: { type: 'string' },
      'database-url': { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const deliveries = Number(values.deliveries);
  const batch = values.batch === undefined ? 100_000 : Number(values.batch);
  if (!Number.isInteger(deliveries) || deliveries <= 0) {
    throw new Error(`--deliveries must be a positive whole number\n\n${USAGE}`);
  }
  if (!Number.isInteger(batch) || batch <= 0 || batch % 100 !== 0) {
    throw new Error('--batch must be a positive multiple of 100');
  }

  const log = createLogger('warn');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: values['database-url'] ?? process.env.DATABASE_URL,
  });
  const database = await openDatabase(config, log);
  const sql = createSql(database.url, { max: 1 });
  try {
    await migrateDatabase(database.url, log);
    process.stdout.write(
      `seeding ${deliveries} deliveries into ${redactUrl(database.url)}\n`,
    );
    const summary = await seedBulk(sql, {
      deliveries,
      batch,
      onProgress: (done, total, elapsedMs) => {
        const rate = Math.round(done / (elapsedMs / 1000));
        process.stdout.write(
          `  ${done} / ${total} deliveries, ${(elapsedMs / 1000).toFixed(1)} s (${rate}/s)\n`,
        );
      },
    });
    const counts = await sql<{ table: string; rows: string }[]>`
      select 'deliveries' as table, count(*)::text as rows from deliveries
      union all select 'events', count(*)::text from events
      union all select 'payment_attempts', count(*)::text from payment_attempts
      union all select 'dispatches', count(*)::text from dispatches
      union all select 'confirmations', count(*)::text from confirmations
      union all select 'anomalies', count(*)::text from anomalies
    `;
    process.stdout.write(
      `done in ${(summary.durationMs / 1000).toFixed(1)} s (run ${summary.salt}); rows now:\n`,
    );
    for (const row of counts)
      process.stdout.write(`  ${row.table.padEnd(18)} ${row.rows}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `seed:bulk failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
