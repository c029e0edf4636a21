import { createSql } from '../db/client';
import { embeddedDatabaseUrl } from '../db/embedded';
import { migrateDatabase } from '../db/migrate';
import { ConfigError, loadConfig } from '../server/config';
import { createRegistry, DEFAULT_HANDLERS } from '../server/dispatch/registry';
import { startWorker } from '../server/dispatch/start-worker';
import { createLogger } from '../server/logger';
import { redactUrl } from '../server/runtime/open-database';

/**
 * `npm run worker`: a dispatch worker alone, for running more of them than
 * web instances. On SIGTERM it takes no new jobs, finishes the running
 * ones, and exits.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // Without DATABASE_URL the worker joins the embedded database that
  // `npm start` runs; two processes must not start the same cluster.
  const url =
    config.databaseUrl ?? embeddedDatabaseUrl(config.embeddedDatabasePort);
  if (!config.databaseUrl)
    log.info('DATABASE_URL is not set: joining the embedded database');
  await migrateDatabase(url, log).catch((error: unknown) => {
    throw new Error(
      `cannot reach ${redactUrl(url)}: start the gateway first (npm start) or set ` +
        `DATABASE_URL (${String(error)})`,
    );
  });
  const sql = createSql(url, { max: config.workerConcurrency + 2 });
  const worker = await startWorker({
    databaseUrl: url,
    sql,
    registry: createRegistry(DEFAULT_HANDLERS, config.dispatchMaxAttempts),
    log,
    concurrency: config.workerConcurrency,
    retention: {
      rawBodyDays: config.rawBodyRetentionDays,
      rejectedDays: config.rejectedRetentionDays,
    },
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the worker: finishing the jobs it holds');
    await worker.stop();
    await sql.end({ timeout: 5 });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `the worker stopped: ${String(error)}\n`,
  );
  process.exit(1);
});
