import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Logger } from '../server/logger';
import { createSql } from './client';
import { startEmbeddedDatabase } from './embedded';
import { migrateDatabase } from './migrate';

export type ScratchDatabase = {
  /** A migrated database of its own. */
  url: string;
  /** The server it lives on, for tests that need another database there. */
  serverUrl: string;
  drop: () => Promise<void>;
};

/**
 * A fresh, migrated database for tests, benchmarks and the fault suite.
 * With `DATABASE_URL` set it is created on that server (and dropped after);
 * otherwise an embedded PostgreSQL is started in a temporary folder.
 */
export async function createScratchDatabase(
  options: { prefix?: string; log?: Logger } = {},
): Promise<ScratchDatabase> {
  const name = `${options.prefix ?? 'gw_test'}_${randomBytes(6).toString('hex')}`;
  let serverUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-pg-'));
    // As root, PostgreSQL runs as a user of its own, which must reach it.
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedDatabase({
      dataDir: path.join(dataDir, 'data'),
      port: await freePort(),
      persistent: false,
      log: options.log,
    });
    serverUrl = embedded.url;
    stopServer = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const database = await createDatabaseOn(serverUrl, name, options.log);
  return {
    ...database,
    drop: async () => {
      await database.drop();
      await stopServer();
    },
  };
}

/** A new, migrated database on a running server; `drop` removes it. */
export async function createDatabaseOn(
  serverUrl: string,
  name: string,
  log?: Logger,
): Promise<ScratchDatabase> {
  const admin = createSql(serverUrl, { max: 1 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url, log);
  return {
    url,
    serverUrl,
    drop: async () => {
      const sql = createSql(serverUrl, { max: 1 });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
