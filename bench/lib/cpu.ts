import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type { Sql } from '../../db/client';

const TICKS_PER_SECOND =
  Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Process CPU time (user + system, all threads) in ms, or null when gone. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The whole machine's busy and total CPU time in ms, from /proc/stat. */
function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return {
    busy: ((total - idle) * 1000) / TICKS_PER_SECOND,
    total: (total * 1000) / TICKS_PER_SECOND,
  };
}

export type CpuUse = {
  /** Wall time of the phase. */
  seconds: number;
  /** CPU ms per answered request, by process. */
  perRequestMs: {
    gateway: number | null;
    bare: number | null;
    postgres: number | null;
    bench: number;
  };
  /** Cores each used on average over the phase. */
  cores: {
    gateway: number | null;
    bare: number | null;
    postgres: number | null;
    bench: number;
    others: number | null;
    machine: number;
  };
};

/**
 * CPU accounting for one phase: the gateway, the bare server, the database's
 * backends serving the bench database (read from /proc, so only when
 * PostgreSQL runs on this machine) and the bench itself (the load
 * generator). What the machine spent beyond those is other people's work:
 * the noise this run was measured under.
 */
export class CpuMeter {
  private startedAt = 0;
  private machine = { busy: 0, total: 0 };
  private self = process.cpuUsage();
  private procs = new Map<number, number>();
  private backends = new Map<number, number>();

  constructor(
    private readonly sql: Sql,
    private readonly pids: { gateway: number; bare: number },
  ) {}

  private async backendPids(): Promise<number[]> {
    const rows = await this.sql<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = current_database()
    `;
    return rows.map((r) => r.pid);
  }

  async start() {
    this.startedAt = performance.now();
    this.machine = machineCpuMs();
    this.self = process.cpuUsage();
    this.procs = new Map(
      [this.pids.gateway, this.pids.bare].map((pid) => [
        pid,
        processCpuMs(pid) ?? 0,
      ]),
    );
    this.backends = new Map();
    for (const pid of await this.backendPids()) {
      const ms = processCpuMs(pid);
      if (ms !== null) this.backends.set(pid, ms);
    }
  }

  async stop(requests: number): Promise<CpuUse> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const machine = machineCpuMs();
    const self = process.cpuUsage(this.self);
    const delta = (pid: number) => {
      const now = processCpuMs(pid);
      const before = this.procs.get(pid);
      return now === null || before === undefined ? null : now - before;
    };
    let postgres: number | null = null;
    for (const pid of await this.backendPids()) {
      const now = processCpuMs(pid);
      if (now === null) continue;
      postgres = (postgres ?? 0) + now - (this.backends.get(pid) ?? 0);
    }
    const gateway = delta(this.pids.gateway);
    const bare = delta(this.pids.bare);
    const bench = (self.user + self.system) / 1000;
    const machineBusy = machine.busy - this.machine.busy;
    const ours = (gateway ?? 0) + (bare ?? 0) + (postgres ?? 0) + bench;
    const per = (ms: number | null) =>
      ms === null || requests === 0 ? null : round(ms / requests);
    const cores = (ms: number | null) =>
      ms === null ? null : round(ms / 1000 / seconds);
    return {
      seconds: round(seconds),
      perRequestMs: {
        gateway: per(gateway),
        bare: per(bare),
        postgres: per(postgres),
        bench: per(bench)!,
      },
      cores: {
        gateway: cores(gateway),
        bare: cores(bare),
        postgres: cores(postgres),
        bench: cores(bench)!,
        others:
          postgres === null ? null : cores(Math.max(0, machineBusy - ours)),
        machine: cores(machineBusy)!,
      },
    };
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
