import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Config } from '../config';
import type { Logger } from '../logger';

export const SECRET_FILE = 'bakong-webhook-secret';

/**
 * The webhook secrets to verify with. Configured ones win. On the embedded
 * default with none configured, one is generated once and kept in a file
 * under the data folder (readable by its owner only), so `npm start` works
 * at once and `npm run send` can sign with it. The secret itself is never
 * logged; only the file's path is.
 */
export async function ensureSecrets(
  config: Config,
  embedded: boolean,
  log: Logger,
): Promise<string[]> {
  if (config.webhookSecrets.length > 0) return config.webhookSecrets;
  if (!embedded) {
    throw new Error(
      'BAKONG_WEBHOOK_SECRETS is not set: with DATABASE_URL the gateway does ' +
        'not generate a secret; set one or more space-separated whsec_ secrets.',
    );
  }
  const file = secretFilePath(config.dataDir);
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing !== null && existing.trim().startsWith('whsec_')) {
    log.info(
      { secretFile: file },
      `verifying with the generated secret in ${file}`,
    );
    return [existing.trim()];
  }
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  log.info({ secretFile: file }, `generated a webhook secret in ${file}`);
  return [secret];
}

export function secretFilePath(dataDir: string): string {
  return path.resolve(dataDir, SECRET_FILE);
}
