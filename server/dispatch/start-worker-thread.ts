import { Worker as Thread } from 'node:worker_threads';

import type { Logger } from '../logger';
import { countDispatchRun, type DispatchRun } from '../metrics/dispatch-runs';
import type { RetentionPolicy } from '../retention/prune-retention';
import { onDispatchesPending } from '../runtime/dispatch-signal';
import { setWorkerStatus, type WorkerStatus } from '../runtime/worker-status';
import type { Worker } from './start-worker';

export type WorkerThreadData = {
  databaseUrl: string;
  concurrency: number;
  maxAttempts: number;
  logLevel: string;
  retention?: RetentionPolicy;
};

export type ToThread = { type: 'dispatches-pending' } | { type: 'stop' };

type FromThread =
  | { type: 'status'; status: WorkerStatus }
  | { type: 'run'; run: DispatchRun }
  | { type: 'failed'; message: string };

const STOP_TIMEOUT_MS = 60_000;
const RESPAWN_FIRST_MS = 1000;
const RESPAWN_MAX_MS = 30_000;

/**
 * Runs `npm start`'s dispatch worker in a worker thread of this process.
 * On one event loop, every handler's JavaScript delayed the webhook's
 * answers and every burst of deliveries delayed the handlers; a thread
 * gives each its own loop (and a second core) while the process, its pid,
 * its readiness and its metrics stay one. Dispatch runs are counted in this
 * thread's metrics; the webhook's "dispatches pending" signal is passed on,
 * at most once per turn of the event loop. A thread that dies (an uncaught
 * error) is started again with backoff; readiness fails meanwhile.
 */
export async function startWorkerThread(
  data: WorkerThreadData,
  log: Logger,
): Promise<Worker> {
  let stopping = false;
  let thread: Thread | undefined;
  let exited: Promise<void> = Promise.resolve();
  let respawns = 0;
  let respawnTimer: NodeJS.Timeout | undefined;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const next = new Thread(
        new URL('./worker-thread-entry.mjs', import.meta.url),
        { workerData: data },
      );
      thread = next;
      let running = false;
      next.on('message', (message: FromThread) => {
        if (message.type === 'status') {
          setWorkerStatus(message.status);
          if (message.status === 'running' && !running) {
            running = true;
            resolve();
          }
        }
        if (message.type === 'run') countDispatchRun(message.run);
        if (message.type === 'failed') {
          setWorkerStatus('stopped');
          log.error(
            { error: message.message },
            'the dispatch worker could not start: readiness fails',
          );
          reject(new Error(message.message));
        }
      });
      next.on('error', (error) => {
        setWorkerStatus('stopped');
        log.error(
          { err: error },
          'the dispatch worker thread crashed: readiness fails',
        );
      });
      exited = new Promise<void>((done) => {
        next.on('exit', (code) => {
          setWorkerStatus('stopped');
          done();
          if (!running) reject(new Error(`worker thread exited (${code})`));
          if (stopping) return;
          log.error({ code }, 'the dispatch worker thread exited by itself');
          if (running) respawnLater();
        });
      });
    });

  const respawnLater = () => {
    const delay = Math.min(RESPAWN_MAX_MS, RESPAWN_FIRST_MS * 2 ** respawns);
    respawns += 1;
    respawnTimer = setTimeout(() => {
      spawn().then(
        () => {
          respawns = 0;
          log.info('dispatch worker thread running again');
        },
        () => {
          if (!stopping) respawnLater();
        },
      );
    }, delay);
    respawnTimer.unref();
  };

  let signalled = false;
  const unsubscribe = onDispatchesPending(() => {
    if (signalled) return;
    signalled = true;
    setImmediate(() => {
      signalled = false;
      thread?.postMessage({ type: 'dispatches-pending' } satisfies ToThread);
    });
  });

  await spawn().catch((error: unknown) => {
    unsubscribe();
    throw error;
  });
  return {
    stop: async () => {
      stopping = true;
      unsubscribe();
      clearTimeout(respawnTimer);
      const current = thread;
      current?.postMessage({ type: 'stop' } satisfies ToThread);
      const timeout = setTimeout(
        () => void current?.terminate(),
        STOP_TIMEOUT_MS,
      );
      await exited;
      clearTimeout(timeout);
    },
  };
}
