import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export type Child = {
  pid: number;
  url: string;
  stop: () => Promise<void>;
};

const running = new Set<ChildProcess>();

/**
 * Last resort when the bench dies: every child it started is killed by its
 * own pid, never by name.
 */
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the gateway as `npm start` does (scripts/start.ts, which builds the
 * app when its sources changed), on its own port, and waits until
 * /api/health answers 200. Its output goes to `logFile`.
 */
export async function startGateway(options: {
  port: number;
  env: Record<string, string>;
  logFile: string;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<Child> {
  // Others share this tree: when their `next build` holds the build lock,
  // wait for it and start again rather than fail the whole run.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startGatewayOnce(options);
    } catch (error) {
      const log = await readFile(options.logFile, 'utf8').catch(() => '');
      if (
        attempt >= 6 ||
        !log.includes('Another next build process is already running')
      ) {
        throw error;
      }
      await writeFile(options.logFile, '');
      process.stdout.write(
        'another next build holds the lock; starting again in 20 s\n',
      );
      await new Promise((resolve) => setTimeout(resolve, 20_000));
    }
  }
}

async function startGatewayOnce(options: {
  port: number;
  env: Record<string, string>;
  logFile: string;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<Child> {
  const child = spawnLogged(
    [
      ...(await startNodeFlags()),
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      'scripts/start.ts',
    ],
    { ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    options.logFile,
  );
  const url = `http://127.0.0.1:${options.port}`;
  await Promise.race([
    waitForHealth(url, options.readyTimeoutMs ?? 600_000, child),
    exitedEarly(child, options.logFile),
  ]);
  return { pid: child.pid!, url, stop: () => stopChild(child, 20_000) };
}

/**
 * The node flags of package.json's `start` script (the heap limit), so the
 * bench measures the gateway exactly as `npm start` runs it.
 */
async function startNodeFlags(): Promise<string[]> {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('--import'));
}

/** Starts bench/bare-server.ts and waits for its `listening <port>` line. */
export async function startBareServer(options: {
  env: Record<string, string>;
  logFile: string;
}): Promise<Child> {
  const child = spawnLogged(
    ['--import', 'tsx', 'bench/bare-server.ts'],
    { ...options.env, PORT: '0' },
    options.logFile,
  );
  const port = await Promise.race([
    new Promise<number>((resolve) => {
      let seen = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening (\d+)/.exec(seen);
        if (match) resolve(Number(match[1]));
      });
    }),
    exitedEarly(child, options.logFile),
  ]);
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    stop: () => stopChild(child, 5_000),
  };
}

function spawnLogged(
  args: string[],
  env: Record<string, string>,
  logFile: string,
) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

function exitedEarly(child: ChildProcess, logFile: string): Promise<never> {
  return new Promise((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(
        new Error(`a child exited early (${code ?? signal}); see ${logFile}`),
      ),
    ),
  );
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  running.delete(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function waitForHealth(
  url: string,
  timeoutMs: number,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    Date.now() < deadline &&
    child.exitCode === null &&
    child.signalCode === null
  ) {
    const ok = await fetch(`${url}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the gateway was not ready within ${timeoutMs / 1000} s`);
}
