import { onTestFinished } from 'vitest';

import { readResults, writeResults } from './results';

/**
 * Prints a scenario's one-line summary and adds it to
 * faults/results/latest.json, with whether the test that recorded it
 * passed once it has finished. Files run one after another, so a
 * read-modify-write of the file is safe. Call it inside a test.
 */
export function recordScenario(
  name: string,
  summary: Record<string, unknown>,
): void {
  const line = Object.entries(summary)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    )
    .join(' ');
  process.stdout.write(`[faults] ${name}: ${line}\n`);
  const results = readResults();
  if (!results) return;
  results.scenarios[name] = { ...summary, at: new Date().toISOString() };
  writeResults(results);
  onTestFinished(({ task }) => {
    const latest = readResults();
    const scenario = latest?.scenarios[name];
    if (!latest || !scenario) return;
    scenario.passed = task.result?.state === 'pass';
    writeResults(latest);
  });
}
