import { parentPort, workerData } from 'node:worker_threads';

import { createSql } from '../../db/client';
import { createLogger } from '../logger';
import { sendDispatchRunsTo } from '../metrics/dispatch-runs';
import type { RetentionPolicy } from '../retention/prune-retention';
import { signalDispatchesPending } from '../runtime/dispatch-signal';
import { createRegistry, DEFAULT_HANDLERS } from './registry';
import { startWorker } from './start-worker';
import type { ToThread, WorkerThreadData } from './start-worker-thread';

/**
 * The dispatch worker in a thread of the gateway's process (see
 * start-worker-thread.ts): its own event loop and connections, so handlers
 * and the webhook never wait for each other's JavaScript.
 */
async function main(port: NonNullable<typeof parentPort>) {
  const data = workerData as WorkerThreadData;
  const log = createLogger(data.logLevel);
  sendDispatchRunsTo((run) => port.postMessage({ type: 'run', run }));
  const sql = createSql(data.databaseUrl, { max: data.concurrency + 2 });
  const retention: RetentionPolicy | undefined = data.retention;
  const worker = await startWorker({
    databaseUrl: data.databaseUrl,
    sql,
    registry: createRegistry(DEFAULT_HANDLERS, data.maxAttempts),
    log,
    concurrency: data.concurrency,
    retention,
    onStatus: (status) => port.postMessage({ type: 'status', status }),
  });
  port.on('message', (message: ToThread) => {
    if (message.type === 'dispatches-pending') signalDispatchesPending();
    if (message.type === 'stop') {
      void (async () => {
        await worker.stop();
        await sql.end({ timeout: 5 });
        // Ends this thread only; the main thread waits for its exit.
        process.exit(0);
      })();
    }
  });
}

if (parentPort) {
  const port = parentPort;
  main(port).catch((error: unknown) => {
    port.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    });
    port.close();
  });
}
