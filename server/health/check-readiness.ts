import { readFile } from 'node:fs/promises';

import type { Sql } from '../../db/client';
import { MIGRATIONS_FOLDER } from '../../db/migrate';
import { getWorkerStatus, type WorkerStatus } from '../runtime/worker-status';

export type Readiness = {
  ready: boolean;
  database: 'up' | 'down';
  /** `off` where this process runs no worker (WORKER=off or a plain web node). */
  worker: WorkerStatus;
  migrations: { applied: number; expected: number } | null;
  error?: string;
};

/** Ready: the database answers and every committed migration is applied. */
export async function checkReadiness(
  sql: Sql,
  timeoutMs = 2000,
): Promise<Readiness> {
  const journal = JSON.parse(
    await readFile(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8'),
  ) as { entries: unknown[] };
  const expected = journal.entries.length;
  const worker = getWorkerStatus();
  let timer: NodeJS.Timeout | undefined;
  try {
    const query = sql<{ applied: number }[]>`
      select count(*)::int as applied from drizzle.__drizzle_migrations
    `;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const [row] = await Promise.race([query, timeout]);
    const applied = row?.applied ?? 0;
    return {
      ready: applied >= expected && worker !== 'stopped',
      database: 'up',
      worker,
      migrations: { applied, expected },
    };
  } catch (error) {
    return {
      ready: false,
      database: 'down',
      worker,
      migrations: null,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
