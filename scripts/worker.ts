import { createSql } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { ConfigError, loadConfig } from '../server/config';
import { createRegistry, DEFAULT_HANDLERS } from '../server/dispatch/registry';
import { startWorker } from '../server/dispatch/start-worker';
import { createLogger } from '../server/logger';
import { openDatabase } from '../server/runtime/open-database';

/**
 * `npm run worker`: a dispatch worker alone, for running more of them than
 * web instances. On SIGTERM it takes no new jobs, finishes the running
 * ones, and exits.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  await migrateDatabase(database.url, log);
  const sql = createSql(database.url, { max: config.workerConcurrency + 1 });
  const worker = await startWorker({
    databaseUrl: database.url,
    sql,
    registry: createRegistry(DEFAULT_HANDLERS, config.dispatchMaxAttempts),
    log,
    concurrency: config.workerConcurrency,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the worker: finishing the jobs it holds');
    await worker.stop();
    await sql.end({ timeout: 5 });
    await database.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError ? `${error.message}\n` : `the worker stopped: ${String(error)}\n`,
  );
  process.exit(1);
});
