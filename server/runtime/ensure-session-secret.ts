import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Config } from '../config';
import type { Logger } from '../logger';

export const SESSION_SECRET_FILE = 'session-secret';

/**
 * The secret that seals console session cookies. A configured one wins. On
 * the embedded default one is generated once into the data folder (readable
 * by its owner only), like the webhook secret, so the console works on a
 * fresh clone. With DATABASE_URL and none configured there is none: every
 * instance behind a load balancer must share one, which a file per machine
 * cannot promise, so sign-in stays off until SESSION_SECRET is set.
 */
export async function ensureSessionSecret(
  config: Config,
  embedded: boolean,
  log: Logger,
): Promise<string | undefined> {
  if (config.sessionSecret !== undefined) return config.sessionSecret;
  if (!embedded) {
    log.warn(
      'SESSION_SECRET is not set: console sign-in is off; bearer tokens still work',
    );
    return undefined;
  }
  const existing = readSessionSecret(config.dataDir);
  if (existing !== undefined) return existing;
  const file = sessionSecretPath(config.dataDir);
  const secret = randomBytes(48).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  log.info(
    { sessionSecretFile: file },
    `generated a session secret in ${file}`,
  );
  return secret;
}

/** The generated secret under the data folder, if there is a usable one. */
export function readSessionSecret(dataDir: string): string | undefined {
  try {
    const text = readFileSync(sessionSecretPath(dataDir), 'utf8').trim();
    return text.length >= 32 ? text : undefined;
  } catch {
    return undefined;
  }
}

export function sessionSecretPath(dataDir: string): string {
  return path.resolve(dataDir, SESSION_SECRET_FILE);
}
