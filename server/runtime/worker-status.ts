export type WorkerStatus = 'running' | 'stopped' | 'off';

const KEY = Symbol.for('modula.webhook-gateway.worker-status');
type Holder = { [KEY]?: WorkerStatus };

/**
 * Whether this process's dispatch worker runs, for the readiness probe.
 * Kept on `globalThis`: the launcher sets it, a Next route reads it.
 */
export function setWorkerStatus(status: WorkerStatus): void {
  (globalThis as Holder)[KEY] = status;
}

export function getWorkerStatus(): WorkerStatus {
  return (globalThis as Holder)[KEY] ?? 'off';
}
