import os from 'node:os';

import type { Sql } from '../../db/client';

export type Machine = {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  postgres: string;
  platform: string;
  loadAverage: { start: number[]; end: number[] };
  date: string;
};

/** The server's version string, e.g. `PostgreSQL 15.20 (Debian …)`. */
export async function postgresVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ version: string }[]>`select version()`;
  return row?.version.split(' on ')[0] ?? 'unknown';
}

export function describeMachine(
  postgres: string,
  loadAtStart: number[],
): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 1048576),
    node: process.version,
    postgres,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: { start: loadAtStart, end: os.loadavg().map(round2) },
    date: new Date().toISOString(),
  };
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
