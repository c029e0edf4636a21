import client from 'prom-client';

/**
 * The process's metrics. The webhook route, the API routes and the worker
 * are separate module graphs in one process (Next bundles each route), so
 * the one set of metrics is kept on `globalThis` and prom-client is loaded
 * from node_modules (see next.config.js), not bundled per route.
 */
function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  return {
    registry,
    deliveries: new client.Counter({
      name: 'gateway_deliveries_total',
      help: 'HTTP deliveries answered, by outcome and reason',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    ingestSeconds: new client.Histogram({
      name: 'gateway_ingest_duration_seconds',
      help: 'Time from request to answer on the webhook, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      ],
      registers: [registry],
    }),
    dispatchRuns: new client.Counter({
      name: 'gateway_dispatch_runs_total',
      help: 'Dispatch runs finished in this process, by handler and status',
      labelNames: ['handler', 'status'] as const,
      registers: [registry],
    }),
    dispatchSeconds: new client.Histogram({
      name: 'gateway_dispatch_duration_seconds',
      help: 'Time a dispatch run took, by handler',
      labelNames: ['handler'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    databaseInFlight: new client.Gauge({
      name: 'gateway_db_ingest_queries_in_flight',
      help: 'Ingest queries waiting for or holding a pooled connection',
      registers: [registry],
    }),
    databasePoolMax: new client.Gauge({
      name: 'gateway_db_pool_max_connections',
      help: 'Connections the ingest pool may open; in flight above this are waiting',
      registers: [registry],
    }),
    floodRefusals: new client.Counter({
      name: 'gateway_flood_refusals_total',
      help: 'Requests answered 429 because their address kept failing verification',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const KEY = Symbol.for('modula.webhook-gateway.metrics');
type Holder = { [KEY]?: Metrics };

export function getMetrics(): Metrics {
  const holder = globalThis as Holder;
  holder[KEY] ??= createMetrics();
  return holder[KEY];
}
