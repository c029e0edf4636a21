import { createSql } from '../../db/client';
import {
  createRegistry,
  DEFAULT_HANDLERS,
} from '../../server/dispatch/registry';
import { startWorker } from '../../server/dispatch/start-worker';
import type { PaymentHandler } from '../../server/dispatch/types';
import { createLogger } from '../../server/logger';

/**
 * A dispatch worker process for the fault scenarios: the real handlers,
 * under their real names, each preceded by a pause of SLOW_HANDLER_MS (0:
 * none). Every run of a handler is written to `faults_handler_runs` on a
 * connection outside the dispatch's transaction, so a run that a crash or
 * a second worker interrupts is still counted.
 */
const HANDLER_RUNS_TABLE = 'faults_handler_runs';

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const pauseMs = Number(process.env.SLOW_HANDLER_MS ?? '0');
  const concurrency = Number(process.env.WORKER_CONCURRENCY ?? '4');
  const log = createLogger('info');
  const sql = createSql(url, { max: concurrency + 2 });
  const runs = createSql(url, { max: 2 });
  await runs.unsafe(`
    create table if not exists ${HANDLER_RUNS_TABLE} (
      id bigserial primary key,
      dispatch_id uuid not null,
      event_id uuid not null,
      handler text not null,
      pid integer not null,
      started_at timestamptz not null default clock_timestamp()
    )
  `);
  const handlers: PaymentHandler[] = DEFAULT_HANDLERS.map((handler) => ({
    ...handler,
    handle: async (input) => {
      await runs`
        insert into faults_handler_runs (dispatch_id, event_id, handler, pid)
        values (${input.dispatchId}, ${input.event.id}, ${handler.name}, ${process.pid})
      `;
      if (pauseMs > 0)
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      return handler.handle(input);
    },
  }));
  const worker = await startWorker({
    databaseUrl: url,
    sql,
    registry: createRegistry(
      handlers,
      Number(process.env.DISPATCH_MAX_ATTEMPTS ?? '8'),
    ),
    log,
    concurrency,
  });
  log.info({ pauseMs, concurrency, pid: process.pid }, 'faults worker ready');
  const stop = async () => {
    await worker.stop();
    await sql.end({ timeout: 5 });
    await runs.end({ timeout: 5 });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`the faults worker stopped: ${String(error)}\n`);
  process.exit(1);
});
