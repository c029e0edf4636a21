import os from 'node:os';

import pino from 'pino';

import { ensureBuild } from '../scripts/lib/ensure-build';
import { readResults, writeResults } from './harness/results';

/**
 * Builds the app once, when its sources changed, before any scenario starts
 * it (the scenarios start it with GATEWAY_SKIP_BUILD=1), and starts a fresh
 * faults/results/latest.json that each scenario adds its figures to.
 * GATEWAY_SKIP_BUILD=1 skips the build here too, as it does for `npm start`.
 */
export default async function setup() {
  const started = Date.now();
  if (process.env.GATEWAY_SKIP_BUILD !== '1') {
    await ensureBuild(process.cwd(), pino({ level: 'info' }));
  }
  writeResults({
    startedAt: new Date(started).toISOString(),
    finishedAt: null,
    durationS: null,
    database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
    node: process.version,
    cpus: os.cpus().length,
    scenarios: {},
  });
  return () => {
    const results = readResults();
    if (!results) return;
    results.finishedAt = new Date().toISOString();
    results.durationS = Math.round((Date.now() - started) / 1000);
    writeResults(results);
    // One file per database mode too, so both runs can be quoted.
    const mode = results.database === 'embedded' ? 'embedded' : 'database-url';
    writeResults(results, `latest-${mode}.json`);
  };
}
