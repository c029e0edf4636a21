import { getMetrics } from './metrics';

export type DispatchRun = { handler: string; status: string; seconds: number };
type Sink = (run: DispatchRun) => void;

const KEY = Symbol.for('modula.webhook-gateway.dispatch-run-sink');
type Holder = { [KEY]?: Sink };

/** Counts a finished dispatch run in this process's metrics. */
export function countDispatchRun({ handler, status, seconds }: DispatchRun) {
  const metrics = getMetrics();
  metrics.dispatchRuns.inc({ handler, status });
  metrics.dispatchSeconds.observe({ handler }, seconds);
}

/**
 * Where a finished run is counted: here, or, in the worker's thread, sent
 * to the main thread, whose metrics `/api/metrics` serves.
 */
export function recordDispatchRun(run: DispatchRun): void {
  ((globalThis as Holder)[KEY] ?? countDispatchRun)(run);
}

export function sendDispatchRunsTo(sink: Sink): void {
  (globalThis as Holder)[KEY] = sink;
}
