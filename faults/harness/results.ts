import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const RESULTS_FILE = path.resolve('faults/results/latest.json');

export type RunResults = {
  startedAt: string;
  finishedAt: string | null;
  durationS: number | null;
  database: 'DATABASE_URL' | 'embedded';
  node: string;
  cpus: number;
  scenarios: Record<string, Record<string, unknown>>;
};

export function readResults(): RunResults | null {
  try {
    return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as RunResults;
  } catch {
    return null;
  }
}

export function writeResults(results: RunResults, name = 'latest.json'): void {
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  const file = path.join(path.dirname(RESULTS_FILE), name);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
