import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from '../../db/scratch-database';
import { TEST_SECRETS } from '../../test/secrets';
import { onCleanup, sleep, spawnNode, type Child } from './processes';

/** The environment admin token of every gateway the suite starts. */
export const FAULTS_ADMIN_TOKEN = 'faults-admin-token-0123456789abcdef';

export type GatewayOptions = {
  /** Names the log files: faults/.logs/<name>-app-<n>.log. */
  name: string;
  databaseUrl: string;
  worker: 'on' | 'off';
  readTimeoutMs?: number;
  dispatchMaxAttempts?: number;
  /** Kept across restarts, so clients keep one address. */
  port?: number;
  env?: Record<string, string>;
};

export type Gateway = {
  url: string;
  port: number;
  child: Child;
  logFile: string;
};

let starts = 0;
let dataDir: string | undefined;

/** One data folder for every gateway of this test file, removed at exit. */
function scratchDataDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(path.join(tmpdir(), 'faults-data-'));
    onCleanup(() => {
      rmSync(dir, { recursive: true, force: true });
      dataDir = undefined;
    });
    dataDir = dir;
  }
  return dataDir;
}

/**
 * Starts the real app (`scripts/start.ts`) as a child in its own process
 * group and waits for `/api/health`. The build was made once by the suite's
 * global setup: a rebuild here, triggered by someone editing the tree
 * meanwhile, would take a minute in the middle of a crash scenario.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const port = options.port ?? (await freePort());
  starts += 1;
  const child = spawnNode({
    script: 'scripts/start.ts',
    logName: `${options.name}-app-${starts}.log`,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      GATEWAY_SKIP_BUILD: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      BAKONG_WEBHOOK_SECRETS: TEST_SECRETS.join(' '),
      WORKER: options.worker,
      LOG_LEVEL: 'info',
      GATEWAY_ADMIN_TOKEN: FAULTS_ADMIN_TOKEN,
      WEBHOOK_READ_TIMEOUT_MS: String(options.readTimeoutMs ?? 10_000),
      DISPATCH_MAX_ATTEMPTS: String(options.dispatchMaxAttempts ?? 8),
      // Flood protection is being built alongside; these scenarios send
      // many refusals from one address on purpose and must not meet a 429.
      FLOOD_FAILURES_PER_WINDOW: '100000',
      // Nothing of the suite lands in the developer's .data folder.
      DATA_DIR: scratchDataDir(),
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitForHealth(url, 120_000),
    child.exited.then((how) => {
      throw new Error(
        `the gateway exited (${how}) before it was ready; see ${child.logFile}`,
      );
    }),
  ]);
  return { url, port, child, logFile: child.logFile };
}

export async function waitForHealth(
  url: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const ok = await fetch(`${url}/api/health`, {
      signal: AbortSignal.timeout(3000),
    })
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return Date.now() - started;
    await sleep(250);
  }
  throw new Error(`${url} was not healthy within ${timeoutMs} ms`);
}
