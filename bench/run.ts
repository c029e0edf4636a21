import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createSql, type Sql } from '../db/client';
import { createScratchDatabase, freePort } from '../db/scratch-database';
import { createRegistry, DEFAULT_HANDLERS } from '../server/dispatch/registry';
import { KEY_1, TEST_SECRETS } from '../test/secrets';
import { startBareServer, startGateway, type Child } from './lib/children';
import { measureConsoleApi } from './lib/console-api';
import { CpuMeter, processCpuMs } from './lib/cpu';
import {
  checkExactness,
  waitForDispatches,
  type Exactness,
} from './lib/exactness';
import {
  runLoad,
  type LoadResult,
  type Target,
  type TargetName,
} from './lib/load';
import { describeMachine, postgresVersion, round2 } from './lib/machine';
import { parseOptions, type BenchOptions } from './lib/options';
import { PaymentPool, registerAttempts } from './lib/payments';
import { measureListQueries, type QuerySet } from './lib/queries';
import {
  evaluate,
  printReport,
  summarizeThroughput,
  type DispatchCapacity,
  type DispatchLag,
  type Report,
} from './lib/report';
import { RssSampler, summarizeRss } from './lib/rss';
import { seedBulk } from './lib/seed';

const ROOT = process.cwd();
const ORDER: TargetName[] = ['ceiling', 'minimal', 'bare', 'webhook'];
/** First guesses of each target's rate, to size the payments made ahead. */
const GUESS: Record<TargetName, number> = {
  ceiling: 3000,
  minimal: 2500,
  bare: 9000,
  webhook: 2000,
};
const say = (line: string) => process.stdout.write(`${line}\n`);

type Cleanup = () => Promise<void>;

/**
 * `npm run bench`: the gateway and its three references measured in one run
 * on this machine, and the exactness of what they stored. See bench/README.md.
 */
async function main() {
  const options = parseOptions(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const tmp = path.join(ROOT, 'bench/tmp', stamp);
  await mkdir(tmp, { recursive: true });
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  const loadAtStart = os.loadavg().map(round2);
  const cleanups: Cleanup[] = [];
  const cleanup = async () => {
    while (cleanups.length > 0)
      await cleanups.pop()!().catch((e: unknown) =>
        say(`cleanup: ${String(e)}`),
      );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping the servers and dropping the scratch databases`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    say(`bench ${stamp}: logs in ${path.relative(ROOT, tmp)}`);
    const state: LoadState = {
      capacity: null,
      results: [],
      exactness: [],
      lag: null,
      rss: null,
      notes: [],
      postgres: 'unknown',
    };
    if (!options.skipLoad) await measureLoad(options, tmp, state, cleanups);
    const querySets = options.skipQueries
      ? []
      : await measureQueries(options, stamp, tmp, state, cleanups);

    const machine = describeMachine(state.postgres, loadAtStart);
    const { throughput, ratios } = summarizeThroughput(state.results);
    const comparison = compareQueries(querySets);
    const partial: Omit<Report, 'checks'> = {
      ingestThroughputRatioToCeiling: ratios['16']?.webhookToCeiling ?? null,
      generatedAt: new Date().toISOString(),
      run: {
        quick: options.quick,
        with1m: options.with1m,
        durationS: options.durationS,
        warmupS: options.warmupS,
        rounds: options.rounds,
      },
      machine,
      throughput,
      ratios,
      dispatchLag: state.lag,
      dispatchCapacity: state.capacity,
      memory: {
        phase: state.rss
          ? summarizeRss(state.rss.samples.filter((s) => s.phase === 'memory'))
          : null,
        wholeRunMaxMb: state.rss
          ? Math.max(...state.rss.samples.map((s) => s.rssMb))
          : null,
        samples: state.rss?.samples ?? [],
      },
      exactness: state.exactness,
      queries: {
        sizes: querySets.map((set) => ({
          ...set,
          explain: `see ${stamp}-explain-${set.deliveries}.txt`,
        })),
        comparison,
      },
      phases: state.results.map(({ tracker: _tracker, ...rest }) => rest),
      notes: state.notes,
    };
    const report: Report = { ...partial, checks: evaluate(partial) };
    printReport(report, say);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    await writeFile(path.join(ROOT, 'bench/results', `${stamp}.json`), json);
    await writeFile(path.join(ROOT, 'bench/results', 'latest.json'), json);
    say(`\nwritten bench/results/${stamp}.json and bench/results/latest.json`);
  } finally {
    await cleanup();
  }
}

type LoadState = {
  capacity: DispatchCapacity | null;
  results: LoadResult[];
  exactness: Exactness[];
  lag: DispatchLag | null;
  rss: RssSampler | null;
  notes: string[];
  postgres: string;
};

async function measureLoad(
  options: BenchOptions,
  tmp: string,
  state: LoadState,
  cleanups: Cleanup[],
) {
  const database = await createScratchDatabase({ prefix: 'gw_bench' });
  cleanups.push(database.drop);
  const sql = createSql(database.url, { max: 4 });
  cleanups.push(() => sql.end({ timeout: 5 }));
  state.postgres = await postgresVersion(sql);
  const routes = createRegistry(DEFAULT_HANDLERS, 8).routes;
  const env = {
    DATABASE_URL: database.url,
    BAKONG_WEBHOOK_SECRETS: TEST_SECRETS.join(' '),
    BENCH_ROUTES: 'on',
    WORKER: options.worker ? 'on' : 'off',
    LOG_LEVEL: 'warn',
    GATEWAY_ADMIN_TOKEN: randomBytes(24).toString('hex'),
  };

  say(
    'starting the gateway (scripts/start.ts builds the app first if its sources changed)',
  );
  const started = Date.now();
  const gateway: Child = await startGateway({
    port: await freePort(),
    env,
    logFile: path.join(tmp, 'gateway.log'),
    nodeArgs: options.profile ? ['--cpu-prof', '--cpu-prof-dir', tmp] : [],
  });
  cleanups.push(gateway.stop);
  say(
    `gateway ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${gateway.url} (pid ${gateway.pid})`,
  );
  const bare = await startBareServer({
    env,
    logFile: path.join(tmp, 'bare.log'),
  });
  cleanups.push(bare.stop);
  const rss = new RssSampler(gateway.pid);
  rss.start();
  cleanups.push(async () => rss.stop());
  state.rss = rss;

  const targets: Record<TargetName, Target> = {
    ceiling: { name: 'ceiling', url: gateway.url, path: '/api/bench/ceiling' },
    minimal: { name: 'minimal', url: gateway.url, path: '/api/bench/minimal' },
    bare: { name: 'bare', url: bare.url, path: '/' },
    webhook: {
      name: 'webhook',
      url: gateway.url,
      path: '/api/webhooks/bakong',
    },
  };
  const probe = await fetch(`${gateway.url}/api/bench/ceiling`, {
    method: 'POST',
  });
  if (probe.status !== 200) {
    throw new Error(
      `the bench routes answered ${probe.status}: is BENCH_ROUTES=on reaching the app?`,
    );
  }

  const cpu = new CpuMeter(sql, { gateway: gateway.pid, bare: bare.pid });
  const rates: Record<TargetName, number> = { ...GUESS };
  const phase = async (
    label: string,
    name: TargetName,
    connections: number,
    durationS: number,
    rate?: number,
  ) => {
    const size = Math.ceil((rate ?? rates[name] * 1.5) * (durationS + 2)) + 200;
    const pool = new PaymentPool(
      label,
      size,
      name === 'webhook' ? options.unknownShare : 1,
    );
    if (name === 'webhook') await registerAttempts(sql, pool.prepared, routes);
    rss.label(label);
    await cpu.start();
    const result = await runLoad({
      label,
      target: targets[name],
      connections,
      durationS,
      pool,
      duplicateShare: options.duplicateShare,
      key: KEY_1,
      rate,
    });
    result.cpu = await cpu.stop(result.responses);
    rss.label('settling');
    // Requests cut off when the phase stopped may still be committing.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let drainNote = '';
    if (name === 'webhook' && options.worker) {
      const drain = await waitForDispatches(sql, options.drainTimeoutS * 1000);
      drainNote = ` worker caught up in ${(drain.waitedMs / 1000).toFixed(1)} s`;
      if (!drain.drained) {
        const why = drain.stalled
          ? 'the worker made no progress for 30 s'
          : `${options.drainTimeoutS} s passed`;
        state.notes.push(
          `${label}: ${drain.remaining} dispatches still pending (${why})`,
        );
        drainNote = ` worker NOT caught up: ${drain.remaining} pending (${why})`;
      }
    }
    const exact = await checkExactness(sql, result.tracker, {
      stores: name !== 'ceiling',
      dispatches: name === 'webhook' && options.worker,
    });
    state.exactness.push(exact);
    say(
      `${label.padEnd(22)} ${result.throughput.toFixed(0).padStart(6)} req/s  ` +
        `p50 ${result.latencyMs.p50.toFixed(1)} ms  p99 ${result.latencyMs.p99.toFixed(1)} ms  ` +
        `cpu/req gw ${result.cpu.perRequestMs.gateway} pg ${result.cpu.perRequestMs.postgres} ` +
        `bench ${result.cpu.perRequestMs.bench} bare ${result.cpu.perRequestMs.bare} ms, ` +
        `others ${result.cpu.cores.others} cores  ` +
        `non2xx ${result.non2xx}  exact ${exact.ok ? 'yes' : 'NO'}` +
        `${exact.problems.length ? ` (${exact.problems.join('; ')})` : ''}${drainNote}`,
    );
    return result;
  };

  const order = ORDER.filter((name) => options.targets.includes(name));
  for (const name of order) {
    const warm = await phase(`warmup ${name}`, name, 16, options.warmupS);
    rates[name] = Math.max(warm.throughput, 100);
  }
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const connections of options.connections) {
      for (const name of order) {
        const result = await phase(
          `r${round} ${name} c${connections}`,
          name,
          connections,
          options.durationS,
        );
        rates[name] = Math.max(rates[name], result.throughput);
        state.results.push(result);
      }
    }
  }

  if (!options.worker) {
    state.notes.push(
      'WORKER=off: ingest alone; no dispatch lag, capacity or memory phase',
    );
    await bare.stop();
    await gateway.stop();
    return;
  }
  const lagResult = await phase(
    'dispatch lag',
    'webhook',
    0,
    options.lagS,
    options.lagRate,
  );
  state.lag = await dispatchLag(sql, lagResult, options.lagRate);
  say(
    `dispatch lag p50 ${state.lag.lagMs.p50} ms, p99 ${state.lag.lagMs.p99} ms ` +
      `(pickup p50 ${state.lag.pickupMs.p50} ms, handler p50 ${state.lag.runMs.p50} ms)`,
  );

  state.capacity = await dispatchCapacity(
    sql,
    targets.webhook,
    cpu,
    routes,
    options,
    state,
  );
  say(
    `dispatch capacity: ${state.capacity.dispatches} dispatches in ${state.capacity.seconds} s ` +
      `= ${state.capacity.perSecond}/s; cpu/dispatch gw ${state.capacity.cpu.perRequestMs.gateway} ` +
      `pg ${state.capacity.cpu.perRequestMs.postgres} ms, others ${state.capacity.cpu.cores.others} cores`,
  );

  await phase('memory', 'webhook', options.rssConnections, options.rssS);
  rss.stop();
  await bare.stop();
  await gateway.stop();
  if (options.profile)
    state.notes.push(
      `CPU profile of the gateway written to ${path.relative(ROOT, tmp)}`,
    );
}

/**
 * How fast the worker alone runs dispatches: payments are delivered while
 * their attempts are unknown, then the attempts are registered in bulk, which
 * resolves every event and queues its dispatch at once; the clock and the
 * CPU meters run from the registration until the queue is empty, with no
 * ingest load meanwhile.
 */
async function dispatchCapacity(
  sql: Sql,
  webhook: Target,
  cpu: CpuMeter,
  routes: ReturnType<typeof createRegistry>['routes'],
  options: BenchOptions,
  state: LoadState,
): Promise<DispatchCapacity> {
  const count = options.quick ? 1000 : 4000;
  const pool = new PaymentPool('capacity', count, 1);
  const sent = await runLoad({
    label: 'dispatch capacity',
    target: webhook,
    connections: 16,
    durationS: 120,
    pool,
    duplicateShare: 0,
    key: KEY_1,
    amount: count,
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const acknowledged = new Set(sent.tracker.ackedFresh.map((p) => p.hash));
  const delivered = pool.prepared.filter((p) => acknowledged.has(p.hash));
  for (const payment of delivered) payment.registered = true;
  // The registration runs on a connection of its own, so its backend's CPU
  // (resolving the events, queueing the jobs) can be told from the worker's.
  const registrar = await sql.reserve();
  const [backend] = await registrar<
    { pid: number }[]
  >`select pg_backend_pid() as pid`;
  const registrationBefore = processCpuMs(backend!.pid);
  await cpu.start();
  const started = performance.now();
  await registerAttempts(registrar, delivered, routes);
  const registrationMs =
    (processCpuMs(backend!.pid) ?? 0) - (registrationBefore ?? 0);
  registrar.release();
  const drain = await waitForDispatches(sql, options.drainTimeoutS * 1000);
  const seconds = (performance.now() - started) / 1000;
  const hashes = delivered.map((p) => p.hash);
  const [row] = await sql<
    { dispatches: number; succeeded: number; confirmations: number }[]
  >`
    select count(d.id)::int as dispatches,
           count(d.id) filter (where d.status = 'succeeded')::int as succeeded,
           count(c.id)::int as confirmations
      from events e
      left join dispatches d on d.event_id = e.id
      left join confirmations c on c.event_id = e.id
     where e.provider = 'BAKONG' and e.kind = 'PAYMENT_CONFIRMED'
       and e.provider_event_id = any(${hashes}::text[])
  `;
  const dispatches = row?.dispatches ?? 0;
  const use = await cpu.stop(dispatches);
  const registrationPerDispatch =
    registrationBefore === null ? null : round2(registrationMs / dispatches);
  if (registrationPerDispatch !== null && use.perRequestMs.postgres !== null) {
    use.perRequestMs.postgres = round2(
      use.perRequestMs.postgres - registrationPerDispatch,
    );
  }
  if (
    !drain.drained ||
    row?.succeeded !== delivered.length ||
    row?.confirmations !== delivered.length
  ) {
    state.notes.push(
      `dispatch capacity: ${row?.succeeded} succeeded and ${row?.confirmations} confirmed ` +
        `of ${delivered.length} registered late`,
    );
  }
  return {
    dispatches,
    seconds: round2(seconds),
    perSecond: Math.round(dispatches / seconds),
    confirmations: row?.confirmations ?? 0,
    registrationPgMsPerDispatch: registrationPerDispatch,
    cpu: use,
  };
}

async function dispatchLag(
  sql: Sql,
  result: LoadResult,
  rate: number,
): Promise<DispatchLag> {
  const hashes = result.tracker.sentFresh.map((p) => p.hash);
  const [row] = await sql<
    {
      events: number;
      dispatches: number;
      p50: number;
      p99: number;
      max: number;
      pickupP50: number;
      pickupP99: number;
      runP50: number;
      runP99: number;
      histogram: Record<string, number>;
    }[]
  >`
    with timed as (
      select extract(epoch from d.finished_at - e.created_at) * 1000 as lag,
             extract(epoch from d.started_at - e.created_at) * 1000 as pickup,
             extract(epoch from d.finished_at - d.started_at) * 1000 as run
        from events e join dispatches d on d.event_id = e.id
       where e.provider = 'BAKONG' and e.kind = 'PAYMENT_CONFIRMED'
         and e.provider_event_id = any(${hashes}::text[]) and d.status = 'succeeded'
    )
    select
      (select count(*)::int from events
        where provider_event_id = any(${hashes}::text[])) as events,
      count(*)::int as dispatches,
      round(percentile_cont(0.5) within group (order by lag)::numeric, 1)::float8 as p50,
      round(percentile_cont(0.99) within group (order by lag)::numeric, 1)::float8 as p99,
      round(max(lag)::numeric, 1)::float8 as max,
      round(percentile_cont(0.5) within group (order by pickup)::numeric, 1)::float8 as "pickupP50",
      round(percentile_cont(0.99) within group (order by pickup)::numeric, 1)::float8 as "pickupP99",
      round(percentile_cont(0.5) within group (order by run)::numeric, 1)::float8 as "runP50",
      round(percentile_cont(0.99) within group (order by run)::numeric, 1)::float8 as "runP99",
      json_build_object(
        '<10', count(*) filter (where lag < 10),
        '10-50', count(*) filter (where lag >= 10 and lag < 50),
        '50-250', count(*) filter (where lag >= 50 and lag < 250),
        '250-500', count(*) filter (where lag >= 250 and lag < 500),
        '500-1000', count(*) filter (where lag >= 500 and lag < 1000),
        '>=1000', count(*) filter (where lag >= 1000)) as histogram
    from timed
  `;
  if (!row) throw new Error('the dispatch lag query returned nothing');
  return {
    rate,
    seconds: result.durationS,
    deliveriesPerSecond: round2(result.throughput),
    events: row.events,
    dispatches: row.dispatches,
    lagMs: { p50: row.p50, p99: row.p99, max: row.max },
    pickupMs: { p50: row.pickupP50, p99: row.pickupP99 },
    runMs: { p50: row.runP50, p99: row.runP99 },
    histogramMs: row.histogram,
    httpLatencyMs: {
      p50: round2(result.latencyMs.p50),
      p99: round2(result.latencyMs.p99),
    },
    cpu: result.cpu,
  };
}

async function measureQueries(
  options: BenchOptions,
  stamp: string,
  tmp: string,
  state: LoadState,
  cleanups: Cleanup[],
): Promise<QuerySet[]> {
  // The console's procedures are measured over HTTP too once they are
  // wired into the router; until then only their SQL is.
  const root = await readFile(path.join(ROOT, 'server/trpc/root.ts'), 'utf8');
  const apiWired = /\bdeliveries\s*:/.test(root);
  if (!apiWired)
    state.notes.push(
      'deliveries.list is not in server/trpc/root.ts yet: lists measured as SQL only',
    );
  const sets: QuerySet[] = [];
  for (const size of options.querySizes) {
    const database = await createScratchDatabase({ prefix: 'gw_bench_q' });
    const sql = createSql(database.url, { max: 1 });
    const drop = async () => {
      await sql.end({ timeout: 5 });
      await database.drop();
    };
    cleanups.push(drop);
    state.postgres = await postgresVersion(sql);
    say(`seeding ${size} deliveries for the list queries`);
    const seeded = await seedBulk(sql, {
      deliveries: size,
      onProgress: (done, total, ms) => {
        if (total > 100_000)
          say(`  ${done} / ${total} (${(ms / 1000).toFixed(0)} s)`);
      },
    });
    say(`  seeded in ${(seeded.durationMs / 1000).toFixed(1)} s; measuring`);
    const set = await measureListQueries(sql, {
      runs: options.queryRuns,
      budgetMs: 8000,
    });
    if (apiWired) {
      set.api = await measureApi(database.url, set, options, tmp).catch(
        (error: unknown) => {
          state.notes.push(
            `the list procedures could not be measured at ${size}: ${String(error)}`,
          );
          return null;
        },
      );
    }
    await writeFile(
      path.join(ROOT, 'bench/results', `${stamp}-explain-${size}.txt`),
      `${set.explain}\n`,
    );
    sets.push(set);
    cleanups.splice(cleanups.indexOf(drop), 1);
    await drop();
  }
  return sets;
}

/** A gateway of its own on the seeded database, for the list procedures. */
async function measureApi(
  databaseUrl: string,
  set: QuerySet,
  options: BenchOptions,
  tmp: string,
) {
  const token = randomBytes(24).toString('hex');
  const gateway = await startGateway({
    port: await freePort(),
    env: {
      DATABASE_URL: databaseUrl,
      BAKONG_WEBHOOK_SECRETS: TEST_SECRETS.join(' '),
      WORKER: 'off',
      LOG_LEVEL: 'warn',
      GATEWAY_ADMIN_TOKEN: token,
    },
    logFile: path.join(tmp, `gateway-lists-${set.deliveries}.log`),
  });
  try {
    return await measureConsoleApi({
      url: gateway.url,
      token,
      ...set.parameters,
      runs: options.queryRuns,
      budgetMs: 8000,
    });
  } finally {
    await gateway.stop();
  }
}

function compareQueries(sets: QuerySet[]) {
  const small = sets[0];
  const large = sets.length > 1 ? sets.at(-1) : undefined;
  if (!small) return [];
  const all = (set: QuerySet) => [
    ...set.timings,
    ...(set.api ?? []).filter((t) => !t.error),
  ];
  const names = new Set(
    [...all(small), ...(large ? all(large) : [])].map((t) => t.name),
  );
  return [...names].map((name) => {
    const a = all(small).find((t) => t.name === name);
    const b = large ? all(large).find((t) => t.name === name) : undefined;
    return {
      name,
      p95Small: a?.p95Ms ?? null,
      p95Large: b?.p95Ms ?? null,
      ratio: a && b ? Math.round((b.p95Ms / a.p95Ms) * 100) / 100 : null,
    };
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
