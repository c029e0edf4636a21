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
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

const STOP_TIMEOUT_MS = 60_000;

/**
 * Runs `npm start`'s dispatch worker in a worker thread of this process.
 * On one event loop, every handler's JavaScript delayed the webhook's
 * answers and every burst of deliveries delayed the handlers; a thread
 * gives each its own loop (and a second core) while the process, its pid,
 * its readiness and its metrics stay one. Dispatch runs are counted in this
 * thread's metrics; the webhook's "dispatches pending" signal is passed on,
 * at most once per turn of the event loop.
 */
export async function startWorkerThread(
  data: WorkerThreadData,
  log: Logger,
): Promise<Worker> {
  const thread = new Thread(
    new URL('./worker-thread-entry.mjs', import.meta.url),
    {
      workerData: data,
    },
  );
  let stopping = false;
  let signalled = false;
  const unsubscribe = onDispatchesPending(() => {
    if (signalled) return;
    signalled = true;
    setImmediate(() => {
      signalled = false;
      thread.postMessage({ type: 'dispatches-pending' } satisfies ToThread);
    });
  });
  const stopped = new Promise<void>((resolve) => {
    thread.on('message', (message: FromThread) => {
      if (message.type === 'status') setWorkerStatus(message.status);
      if (message.type === 'run') countDispatchRun(message.run);
      if (message.type === 'stopped') resolve();
      if (message.type === 'failed') {
        setWorkerStatus('stopped');
        log.error(
          { error: message.message },
          'the dispatch worker could not start: readiness now fails',
        );
      }
    });
    thread.on('error', (error) => {
      setWorkerStatus('stopped');
      log.error(
        { err: error },
        'the dispatch worker thread crashed: readiness now fails',
      );
    });
    thread.on('exit', (code) => {
      setWorkerStatus('stopped');
      if (!stopping)
        log.error({ code }, 'the dispatch worker thread exited by itself');
      resolve();
    });
  });
  // Started when the thread says so: readiness waits for it.
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: FromThread) => {
      if (message.type === 'status' && message.status === 'running') done();
      if (message.type === 'failed') done(new Error(message.message));
    };
    const onExit = (code: number) =>
      done(new Error(`the worker thread exited with code ${code}`));
    const done = (error?: Error) => {
      thread.off('message', onMessage);
      thread.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    thread.on('message', onMessage);
    thread.on('exit', onExit);
  });
  return {
    stop: async () => {
      stopping = true;
      unsubscribe();
      thread.postMessage({ type: 'stop' } satisfies ToThread);
      const timeout = setTimeout(
        () => void thread.terminate(),
        STOP_TIMEOUT_MS,
      );
      await stopped;
      clearTimeout(timeout);
    },
  };
}
