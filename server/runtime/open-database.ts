import path from 'node:path';

import { startEmbeddedDatabase } from '../../db/embedded';
import type { Config } from '../config';
import type { Logger } from '../logger';

export type OpenedDatabase = {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
};

/**
 * The database the gateway runs on: `DATABASE_URL` when set, otherwise the
 * embedded PostgreSQL with its data under the data folder, so that a fresh
 * clone runs with no setup at all.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    log.info({ database: redactUrl(config.databaseUrl) }, 'using DATABASE_URL');
    return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  }
  const dataDir = path.resolve(config.dataDir, 'postgres');
  log.info(
    { dataDir, port: config.embeddedDatabasePort },
    `DATABASE_URL is not set: starting the embedded PostgreSQL, data in ${dataDir}`,
  );
  const embedded = await startEmbeddedDatabase({
    dataDir,
    port: config.embeddedDatabasePort,
    log,
  });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparseable URL';
  }
}
