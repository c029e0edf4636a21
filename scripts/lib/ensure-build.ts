import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../../server/logger';

const SOURCES = [
  'app',
  'server',
  'db',
  'next.config.js',
  'tsconfig.json',
  'package-lock.json',
];
const STAMP = '.next/source-hash';

/**
 * Builds the Next.js app when there is no build yet or the sources changed
 * since the last one, so `npm start` on a fresh clone or after a pull just
 * works. The stamp is a hash of the files' paths, sizes and contents.
 */
export async function ensureBuild(root: string, log: Logger): Promise<void> {
  const hash = await hashSources(root);
  const previous = await readFile(path.join(root, STAMP), 'utf8').catch(
    () => '',
  );
  if (previous === hash) return;
  log.info(
    'building the app (first start, or the sources changed); this takes a minute',
  );
  const started = Date.now();
  await run(process.execPath, [nextBin(root), 'build'], root);
  await writeFile(path.join(root, STAMP), hash);
  log.info({ durationMs: Date.now() - started }, 'app built');
}

function nextBin(root: string): string {
  return path.join(root, 'node_modules/next/dist/bin/next');
}

async function hashSources(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of SOURCES) {
    for (const file of await listFiles(path.join(root, entry))) {
      hash.update(path.relative(root, file)).update('\0');
      hash.update(await readFile(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

async function listFiles(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [target];
  const entries = await readdir(target, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter(
        (entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules',
      )
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((entry) => listFiles(path.join(target, entry.name))),
  );
  return nested.flat();
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `next build failed with exit code ${code}; see the output above`,
            ),
          ),
    );
  });
}
