import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';

import { createScratchDatabase, freePort } from '../db/scratch-database';
import { startTcpProxy, throughProxy } from '../test/tcp-proxy';
import { TEST_SECRETS } from '../test/secrets';
import { CONSOLE_USERS } from './console-users';

/** The environment admin token of the app under test. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** Seals the console's session cookies in the app under test. */
const E2E_SESSION_SECRET = 'e2e-session-secret-0123456789abcdefghijklmnop';

/** Read timeout of the app under test: short, so the 408 case is quick. */
export const E2E_READ_TIMEOUT_MS = 1500;

/**
 * Starts the real app (`scripts/start.ts`, building it when stale) on a
 * fresh database reached through a TCP relay that tests can cut, to see
 * the gateway answer 503 and recover. Its logs go to test-results/.
 */
export default async function globalSetup() {
  const database = await createScratchDatabase({ prefix: 'gw_e2e' });
  const target = new URL(database.url);
  const proxy = await startTcpProxy({
    host: target.hostname,
    port: Number(target.port || 5432),
  });
  const control = createServer((req, res) => {
    if (req.url === '/cut') proxy.cut();
    else if (req.url === '/restore') proxy.restore();
    res.end('ok');
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlAddress = control.address();
  const controlPort =
    typeof controlAddress === 'object' && controlAddress
      ? controlAddress.port
      : 0;

  const port = await freePort();
  await mkdir('test-results', { recursive: true });
  const logFile = createWriteStream('test-results/e2e-app.log');
  const app = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: throughProxy(database.url, proxy),
      BAKONG_WEBHOOK_SECRETS: TEST_SECRETS.join(' '),
      PORT: String(port),
      HOST: '127.0.0.1',
      WEBHOOK_READ_TIMEOUT_MS: String(E2E_READ_TIMEOUT_MS),
      LOG_LEVEL: 'info',
      GATEWAY_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      SESSION_SECRET: E2E_SESSION_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout.pipe(logFile);
  app.stderr.pipe(logFile);
  const exited = new Promise<never>((_, reject) =>
    app.once('exit', (code) =>
      reject(
        new Error(`the app exited with ${code}; see test-results/e2e-app.log`),
      ),
    ),
  );

  const baseUrl = `http://127.0.0.1:${port}`;
  await Promise.race([waitForHealth(baseUrl, 240_000), exited]);
  await createConsoleUsers(baseUrl).catch((error: unknown) => {
    // Without its operators the console tests cannot run: stop the app too.
    app.removeAllListeners('exit');
    app.kill('SIGTERM');
    throw error;
  });
  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_PROXY_CONTROL = `http://127.0.0.1:${controlPort}`;
  process.env.E2E_DATABASE_URL = database.url;

  return async () => {
    app.removeAllListeners('exit');
    app.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (app.exitCode === null) app.kill('SIGKILL');
    control.close();
    await proxy.close();
    await database.drop();
  };
}

/** The console's operators, made through the API as an admin's tool would. */
async function createConsoleUsers(baseUrl: string) {
  for (const user of Object.values(CONSOLE_USERS)) {
    const response = await fetch(`${baseUrl}/api/trpc/operators.create`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${E2E_ADMIN_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(user),
    });
    if (!response.ok) {
      throw new Error(
        `could not create operator ${user.username}: ${response.status} ${await response.text()}`,
      );
    }
  }
}

async function waitForHealth(baseUrl: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the app did not become ready within ${timeoutMs} ms`);
}
