import { readFile } from 'node:fs/promises';

export type RssSample = {
  atMs: number;
  phase: string;
  rssMb: number;
  /** Heap and other private memory; the rest of RSS is mapped files (code). */
  anonMb: number;
};

/**
 * Samples a process's resident memory (VmRSS in /proc/<pid>/status) once a
 * second, labelled with the phase running at the time.
 */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private phase = 'start';
  private readonly started = Date.now();

  constructor(private readonly pid: number) {}

  start() {
    this.timer = setInterval(() => void this.sample(), 1000);
    void this.sample();
  }

  label(phase: string) {
    this.phase = phase;
  }

  stop() {
    clearInterval(this.timer);
  }

  private async sample() {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8').catch(
      () => '',
    );
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
    };
    const rssMb = field('VmRSS');
    if (rssMb === null) return;
    this.samples.push({
      atMs: Date.now() - this.started,
      phase: this.phase,
      rssMb,
      anonMb: field('RssAnon') ?? 0,
    });
  }
}

export type RssSummary = {
  samples: number;
  seconds: number;
  firstMb: number;
  lastMb: number;
  minMb: number;
  maxMb: number;
  /** Mean of the first and of the last quarter of the run. */
  firstQuarterMeanMb: number;
  lastQuarterMeanMb: number;
  /** Least-squares slope over the run. */
  slopeMbPerMinute: number;
  /** Private memory (heaps) at its highest; RSS minus this is mapped code. */
  maxAnonMb: number;
};

export function summarizeRss(samples: readonly RssSample[]): RssSummary | null {
  if (samples.length < 2) return null;
  const values = samples.map((s) => s.rssMb);
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const mean = (list: number[]) =>
    list.reduce((a, b) => a + b, 0) / list.length;
  const xs = samples.map((s) => s.atMs / 60_000);
  const mx = mean(xs);
  const my = mean(values);
  let num = 0;
  let den = 0;
  for (let i = 0; i < samples.length; i += 1) {
    num += (xs[i]! - mx) * (values[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    samples: samples.length,
    seconds: Math.round((samples.at(-1)!.atMs - samples[0]!.atMs) / 1000),
    firstMb: values[0]!,
    lastMb: values.at(-1)!,
    minMb: Math.min(...values),
    maxMb: Math.max(...values),
    firstQuarterMeanMb: round(mean(values.slice(0, quarter))),
    lastQuarterMeanMb: round(mean(values.slice(-quarter))),
    slopeMbPerMinute: round(den === 0 ? 0 : num / den),
    maxAnonMb: Math.max(...samples.map((s) => s.anonMb)),
  };
}
