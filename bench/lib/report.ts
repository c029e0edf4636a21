import type { CpuUse } from './cpu';
import type { Exactness } from './exactness';
import type { LoadResult, TargetName } from './load';
import type { Machine } from './machine';
import type { QuerySet } from './queries';
import type { RssSample, RssSummary } from './rss';

export type Figure = {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** CPU ms per request by process, and the cores others used meanwhile. */
  cpu: CpuUse | null;
};

export type DispatchLag = {
  rate: number;
  seconds: number;
  deliveriesPerSecond: number;
  events: number;
  dispatches: number;
  /** Event row written (its transaction began) to handler finished. */
  lagMs: { p50: number; p99: number; max: number };
  /** Event written to the worker starting the dispatch. */
  pickupMs: { p50: number; p99: number };
  /** Worker starting to handler finished. */
  runMs: { p50: number; p99: number };
  /** How many dispatches fell in each lag band, in ms. */
  histogramMs: Record<string, number>;
  httpLatencyMs: { p50: number; p99: number };
  /** CPU per delivery over the phase, and what others used meanwhile. */
  cpu: CpuUse | null;
};

/** The worker alone: dispatches queued at once, no ingest meanwhile. */
export type DispatchCapacity = {
  dispatches: number;
  seconds: number;
  perSecond: number;
  confirmations: number;
  /** Postgres CPU of the late registration (resolution, job queueing), per dispatch. */
  registrationPgMsPerDispatch: number | null;
  /** Per dispatch; postgres without the registration's backend. */
  cpu: CpuUse;
};

export type Check = {
  figure: string;
  target: string;
  value: string;
  met: boolean | null;
};

export type Report = {
  ingestThroughputRatioToCeiling: number | null;
  generatedAt: string;
  run: {
    quick: boolean;
    with1m: boolean;
    durationS: number;
    warmupS: number;
    rounds: number;
  };
  machine: Machine;
  throughput: Record<string, Partial<Record<TargetName, Figure>>>;
  ratios: Record<string, Record<string, number | null>>;
  checks: Check[];
  dispatchLag: DispatchLag | null;
  dispatchCapacity: DispatchCapacity | null;
  memory: {
    phase: RssSummary | null;
    wholeRunMaxMb: number | null;
    samples: RssSample[];
  };
  exactness: Exactness[];
  queries: {
    sizes: QuerySet[];
    comparison: {
      name: string;
      p95Small: number | null;
      p95Large: number | null;
      ratio: number | null;
    }[];
  };
  phases: Omit<LoadResult, 'tracker'>[];
  notes: string[];
};

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0
    ? null
    : Math.round((a / b) * 1000) / 1000;

/** Per connection count and target, the median of the measured rounds. */
export function summarizeThroughput(results: LoadResult[]) {
  const throughput: Report['throughput'] = {};
  const groups = new Map<string, LoadResult[]>();
  for (const r of results) {
    const key = `${r.connections}|${r.target}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, list] of groups) {
    const [connections, target] = key.split('|') as [string, TargetName];
    const sorted = [...list].sort((a, b) => a.throughput - b.throughput);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    (throughput[connections] ??= {})[target] = {
      throughput: Math.round(median.throughput),
      p50Ms: round1(median.latencyMs.p50),
      p99Ms: round1(median.latencyMs.p99),
      responses: median.responses,
      cpu: median.cpu,
    };
  }
  const ratios: Report['ratios'] = {};
  for (const [connections, t] of Object.entries(throughput)) {
    ratios[connections] = {
      webhookToCeiling: ratio(t.webhook?.throughput, t.ceiling?.throughput),
      webhookToMinimal: ratio(t.webhook?.throughput, t.minimal?.throughput),
      webhookToBare: ratio(t.webhook?.throughput, t.bare?.throughput),
      minimalToCeiling: ratio(t.minimal?.throughput, t.ceiling?.throughput),
      bareToCeiling: ratio(t.bare?.throughput, t.ceiling?.throughput),
      minimalToBare: ratio(t.minimal?.throughput, t.bare?.throughput),
      webhookP99ToCeilingP99: ratio(t.webhook?.p99Ms, t.ceiling?.p99Ms),
      webhookP99ToMinimalP99: ratio(t.webhook?.p99Ms, t.minimal?.p99Ms),
    };
  }
  return { throughput, ratios };
}

/** The targets, each with the figure that decides it. */
export function evaluate(report: Omit<Report, 'checks'>): Check[] {
  const checks: Check[] = [];
  for (const [connections, r] of Object.entries(report.ratios)) {
    const toCeiling = r.webhookToCeiling ?? null;
    const toMinimal = r.webhookToMinimal ?? null;
    checks.push({
      figure: `ingest throughput at ${connections} connections`,
      target: '>= 0.7 x ceiling and >= 0.9 x minimal',
      value: `${toCeiling} x ceiling, ${toMinimal} x minimal`,
      met:
        toCeiling === null || toMinimal === null
          ? null
          : toCeiling >= 0.7 && toMinimal >= 0.9,
    });
  }
  const p99 = report.ratios['16']?.webhookP99ToCeilingP99 ?? null;
  checks.push({
    figure: 'ingest p99 at 16 connections',
    target: '<= 2 x ceiling p99',
    value: `${p99} x ceiling p99`,
    met: p99 === null ? null : p99 <= 2,
  });
  const lag = report.dispatchLag;
  checks.push({
    figure: `dispatch lag at ${lag?.rate ?? '-'} deliveries/s`,
    target: 'p50 < 50 ms, p99 < 250 ms',
    value: lag
      ? `p50 ${lag.lagMs.p50} ms, p99 ${lag.lagMs.p99} ms`
      : 'not measured',
    met: lag ? lag.lagMs.p50 < 50 && lag.lagMs.p99 < 250 : null,
  });
  const failed = report.exactness.filter((e) => !e.ok);
  checks.push({
    figure: 'exactness after every phase',
    target:
      'events = payments, confirmations = attempts, 0 lost/doubled/non-2xx',
    value: `${report.exactness.length - failed.length} of ${report.exactness.length} phases exact`,
    met: report.exactness.length === 0 ? null : failed.length === 0,
  });
  const spurious = report.exactness.filter((e) => !e.anomaliesOk);
  checks.push({
    figure: 'anomalies after every phase',
    target: 'none but the unknown payments sent on purpose',
    value: spurious.length
      ? `${spurious.length} phases raised others: ${spurious[0]!.problems.at(-1)}`
      : 'none',
    met: report.exactness.length === 0 ? null : spurious.length === 0,
  });
  const sizes = report.queries.sizes;
  if (sizes.length > 0) {
    const largest = sizes.at(-1)!;
    const worst = Math.max(...largest.timings.map((t) => t.p95Ms));
    const growth = report.queries.comparison.filter((c) => c.ratio !== null);
    const worstGrowth = growth.length
      ? Math.max(...growth.map((c) => c.ratio!))
      : null;
    checks.push({
      figure: `list queries p95 at ${largest.deliveries} deliveries`,
      target: '< 50 ms at 1 M',
      value: `worst p95 ${worst} ms`,
      met: largest.deliveries >= 1_000_000 ? worst < 50 : null,
    });
    checks.push({
      figure: 'list queries growth',
      target: `<= 2 x the 10 k figure`,
      value: worstGrowth === null ? 'one size only' : `worst ${worstGrowth} x`,
      met: worstGrowth === null ? null : worstGrowth <= 2,
    });
  }
  const memory = report.memory.phase;
  checks.push({
    figure: `gateway RSS over ${memory?.seconds ?? '-'} s of load`,
    target: '< 400 MB, flat (last quarter within 10% of first)',
    value: memory
      ? `max ${memory.maxMb} MB, ${memory.firstQuarterMeanMb} -> ${memory.lastQuarterMeanMb} MB`
      : 'not measured',
    met: memory
      ? memory.maxMb < 400 &&
        memory.lastQuarterMeanMb <= memory.firstQuarterMeanMb * 1.1
      : null,
  });
  return checks;
}

export function printReport(report: Report, write: (line: string) => void) {
  const m = report.machine;
  write('');
  write(`Modula Webhook Gateway bench, ${report.generatedAt}`);
  write(
    `${m.cpus} x ${m.cpuModel}, ${m.memoryMb} MB, Node ${m.node}, ${m.postgres}`,
  );
  write(
    `load average at start ${m.loadAverage.start.join(' ')}, at end ${m.loadAverage.end.join(' ')}`,
  );
  write('');
  write(
    row([
      'conns',
      'target',
      'req/s',
      'p50 ms',
      'p99 ms',
      'x ceiling',
      'x minimal',
      'x bare',
    ]),
  );
  for (const [connections, targets] of Object.entries(report.throughput)) {
    for (const name of ['ceiling', 'minimal', 'bare', 'webhook'] as const) {
      const f = targets[name];
      if (!f) continue;
      write(
        row([
          connections,
          name,
          String(f.throughput),
          String(f.p50Ms),
          String(f.p99Ms),
          String(ratio(f.throughput, targets.ceiling?.throughput) ?? '-'),
          String(ratio(f.throughput, targets.minimal?.throughput) ?? '-'),
          String(ratio(f.throughput, targets.bare?.throughput) ?? '-'),
        ]),
      );
    }
  }
  write('');
  write(
    row(
      [
        'conns',
        'target',
        'gw ms/req',
        'pg ms/req',
        'bench ms/req',
        'bare ms/req',
        'others cores',
      ],
      13,
    ),
  );
  for (const [connections, targets] of Object.entries(report.throughput)) {
    for (const name of ['ceiling', 'minimal', 'bare', 'webhook'] as const) {
      const c = targets[name]?.cpu;
      if (!c) continue;
      const p = c.perRequestMs;
      write(
        row(
          [
            connections,
            name,
            String(p.gateway),
            String(p.postgres),
            String(p.bench),
            String(p.bare),
            String(c.cores.others),
          ],
          13,
        ),
      );
    }
  }
  const lag = report.dispatchLag;
  if (lag) {
    write('');
    write(
      `dispatch lag at ${lag.deliveriesPerSecond.toFixed(0)} deliveries/s (${lag.events} events): ` +
        `p50 ${lag.lagMs.p50} ms, p99 ${lag.lagMs.p99} ms, max ${lag.lagMs.max} ms ` +
        `(pickup p50 ${lag.pickupMs.p50} / p99 ${lag.pickupMs.p99} ms, ` +
        `handler p50 ${lag.runMs.p50} / p99 ${lag.runMs.p99} ms)`,
    );
    write(`  lag bands (ms): ${JSON.stringify(lag.histogramMs)}`);
    write(
      `  meanwhile the gateway used ${lag.cpu?.cores.gateway} cores, postgres ${lag.cpu?.cores.postgres}, ` +
        `the bench ${lag.cpu?.cores.bench}, others ${lag.cpu?.cores.others} (machine ${lag.cpu?.cores.machine} of 2)`,
    );
  }
  const capacity = report.dispatchCapacity;
  if (capacity) {
    write(
      `worker alone: ${capacity.dispatches} dispatches in ${capacity.seconds} s = ${capacity.perSecond}/s, ` +
        `CPU per dispatch: gateway ${capacity.cpu.perRequestMs.gateway} ms, ` +
        `postgres ${capacity.cpu.perRequestMs.postgres} ms ` +
        `(+ ${capacity.registrationPgMsPerDispatch} ms to resolve and queue it; ` +
        `others used ${capacity.cpu.cores.others} cores)`,
    );
  }
  const mem = report.memory.phase;
  if (mem) {
    write(
      `gateway RSS over ${mem.seconds} s of load: ${mem.minMb}-${mem.maxMb} MB, ` +
        `first quarter ${mem.firstQuarterMeanMb} MB, last ${mem.lastQuarterMeanMb} MB, ` +
        `slope ${mem.slopeMbPerMinute} MB/min, private (heap) at most ${mem.maxAnonMb} MB; ` +
        `whole run max ${report.memory.wholeRunMaxMb} MB`,
    );
  }
  write('');
  write(
    row(
      [
        'phase',
        'sent',
        '2xx',
        'non2xx',
        'payments',
        'events',
        'lost',
        'doubled',
        'confirmed/attempts',
        'ok',
      ],
      12,
    ),
  );
  for (const e of report.exactness) {
    write(
      row(
        [
          e.label,
          String(e.requestsSent),
          String(e.answered2xx),
          String(e.non2xx),
          String(e.uniquePaymentsSent),
          String(e.events ?? '-'),
          String(e.lost ?? '-'),
          String(e.doubled ?? '-'),
          e.dispatch
            ? `${e.dispatch.confirmations}/${e.dispatch.matchingAttempts}`
            : '-',
          e.problems.length === 0
            ? 'yes'
            : `${e.ok ? 'yes' : 'NO'}: ${e.problems.join('; ')}`,
        ],
        12,
      ),
    );
  }
  if (report.queries.sizes.length > 0) {
    write('');
    const sizes = report.queries.sizes;
    write(
      row(
        [
          'list query (p95 ms)',
          ...sizes.map((s) => `${s.deliveries}`),
          'growth',
        ],
        14,
        30,
      ),
    );
    for (const c of report.queries.comparison) {
      write(
        row(
          [
            c.name,
            String(c.p95Small ?? '-'),
            ...(sizes.length > 1 ? [String(c.p95Large ?? '-')] : []),
            String(c.ratio ?? '-'),
          ],
          14,
          30,
        ),
      );
    }
  }
  write('');
  for (const check of report.checks) {
    const verdict = check.met === null ? 'n/a ' : check.met ? 'MET ' : 'MISS';
    write(
      `${verdict} ${check.figure}: ${check.value} (target ${check.target})`,
    );
  }
  for (const note of report.notes) write(`note: ${note}`);
}

function row(cells: string[], width = 10, first = 10): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(first) : cell.padStart(width)))
    .join(' ');
}

const round1 = (v: number) => Math.round(v * 10) / 10;
