import { parseArgs } from 'node:util';

export type BenchOptions = {
  quick: boolean;
  with1m: boolean;
  /** Seconds of each measured throughput phase. */
  durationS: number;
  /** Seconds of warm-up per target before it is measured. */
  warmupS: number;
  connections: number[];
  /** Which targets the throughput phases measure (all four by default). */
  targets: string[];
  /** Measured rounds over every target; the median round is reported. */
  rounds: number;
  duplicateShare: number;
  /** Share of payments whose attempt is not registered (unknown payments). */
  unknownShare: number;
  lagRate: number;
  lagS: number;
  rssS: number;
  rssConnections: number;
  querySizes: number[];
  queryRuns: number;
  /** How long to wait for the worker to finish a phase's dispatches. */
  drainTimeoutS: number;
  /** Write a V8 CPU profile of the gateway (bench/tmp/). */
  profile: boolean;
  skipQueries: boolean;
  skipLoad: boolean;
  /** WORKER=on (as `npm start` runs) or off, to see ingest alone. */
  worker: boolean;
};

export const USAGE = `npm run bench -- [options]

  --quick             a short smoke run (seconds per phase, 10 k queries only)
  --with-1m           also seed 1 000 000 deliveries and measure the list
                      queries on them (several minutes of seeding)
  --duration S        seconds per measured throughput phase (default 12)
  --warmup S          seconds of warm-up per target (default 6)
  --connections A,B   connection counts (default 16,64)
  --targets A,B       only these of ceiling,minimal,bare,webhook (profiling)
  --rounds N          measured rounds over all targets (default 1)
  --lag-seconds S     seconds of the steady 200/s dispatch-lag phase (30)
  --lag-rate N        deliveries per second of that phase (200)
  --rss-seconds S     seconds of the memory phase (120)
  --query-runs N      timed runs per list query (200)
  --drain-timeout S   longest wait for the worker to catch up (300)
  --profile           write a CPU profile of the gateway to bench/tmp/
  --worker off        run the gateway with WORKER=off: ingest alone (diagnosis)
  --skip-queries      no list-query measurement
  --skip-load         list queries only`;

/** The command line, with `--quick` shortening every phase. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      'with-1m': { type: 'boolean' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      targets: { type: 'string' },
      'lag-seconds': { type: 'string' },
      'lag-rate': { type: 'string' },
      'rss-seconds': { type: 'string' },
      'query-runs': { type: 'string' },
      'drain-timeout': { type: 'string' },
      profile: { type: 'boolean' },
      'skip-queries': { type: 'boolean' },
      'skip-load': { type: 'boolean' },
      worker: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const with1m = values['with-1m'] ?? false;
  const number = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`--${name} must be a positive number, not "${text}"`);
    }
    return value;
  };
  const connections = (values.connections ?? '16,64').split(',').map((part) => {
    const value = Number(part);
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`--connections must be whole numbers such as 16,64`);
    }
    return value;
  });
  const targets = (values.targets ?? 'ceiling,minimal,bare,webhook').split(',');
  for (const target of targets) {
    if (!['ceiling', 'minimal', 'bare', 'webhook'].includes(target)) {
      throw new Error(
        `--targets takes ceiling, minimal, bare and webhook, not "${target}"`,
      );
    }
  }
  return {
    quick,
    with1m,
    targets,
    durationS: number('duration', values.duration, quick ? 4 : 12),
    warmupS: number('warmup', values.warmup, quick ? 2 : 6),
    connections,
    rounds: number('rounds', values.rounds, 1),
    duplicateShare: 0.2,
    unknownShare: 0.05,
    lagRate: number('lag-rate', values['lag-rate'], 200),
    lagS: number('lag-seconds', values['lag-seconds'], quick ? 8 : 30),
    rssS: number('rss-seconds', values['rss-seconds'], quick ? 15 : 120),
    rssConnections: 16,
    querySizes: with1m ? [10_000, 1_000_000] : [10_000],
    queryRuns: number('query-runs', values['query-runs'], quick ? 30 : 200),
    drainTimeoutS: number('drain-timeout', values['drain-timeout'], 300),
    profile: values.profile ?? false,
    skipQueries: values['skip-queries'] ?? false,
    skipLoad: values['skip-load'] ?? false,
    worker: (values.worker ?? 'on') !== 'off',
  };
}
