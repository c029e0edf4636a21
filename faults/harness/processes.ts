import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';

/** Where every child's output goes: one file per process start. */
export const LOG_DIR = path.resolve('faults/.logs');

export type Child = {
  pid: number;
  logFile: string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  /** `kill -9` of the child's whole process group. */
  kill: () => Promise<void>;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
  isRunning: () => boolean;
};

const running = new Map<number, ChildProcess>();

// Last resort when a test file dies: every group this file started is
// killed by its own id, never by name.
process.on('exit', () => {
  for (const pid of running.keys()) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `node --import tsx <script>` in a process group of its own, so the
 * suite can kill it and anything it starts with one signal. Output goes
 * straight to a file descriptor, so the log is complete even after a
 * `kill -9` and does not depend on this process reading pipes.
 */
export function spawnNode(options: {
  script: string;
  env: Record<string, string>;
  logName: string;
}): Child {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, options.logName);
  const fd = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    // The heap limit of package.json's `start` and `worker` scripts.
    const args = [
      '--max-old-space-size=256',
      '--import',
      'tsx',
      options.script,
    ];
    child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      env: { NODE_ENV: 'production', ...options.env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.script}`);
  running.set(pid, child);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(pid);
      resolve(String(code ?? signal));
    });
  });
  const stop = async (graceMs = 10_000) => {
    if (done) return;
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    // Anything the child left in its group goes too.
    killGroup(pid, 'SIGKILL');
  };
  return {
    pid,
    logFile,
    exited,
    isRunning: () => !done,
    kill: async () => {
      if (done) return;
      killGroup(pid, 'SIGKILL');
      await exited;
    },
    stop,
  };
}

const cleanups: (() => void)[] = [];

/** Runs after the children are stopped, and at exit if they never were. */
export function onCleanup(cleanup: () => void): void {
  cleanups.push(cleanup);
}
process.on('exit', () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Every child still running, stopped: for afterAll and finally blocks. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...running.entries()].map(async ([pid, child]) => {
      killGroup(pid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }),
  );
  for (const cleanup of cleanups.splice(0)) cleanup();
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined, or throws. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${what}`,
      );
    }
    await sleep(options.everyMs ?? 200);
  }
}
