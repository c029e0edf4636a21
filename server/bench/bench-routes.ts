import { getDatabase } from '../../db/client';
import { getConfig } from '../config';
import { parseSecrets, type WebhookSecret } from '../ingest/secrets';

/**
 * The benchmark's reference routes exist only when the process was started
 * with `BENCH_ROUTES=on` (bench/run.ts does); otherwise they answer 404, so
 * a production deployment never exposes them.
 */
export function benchRoutesEnabled(): boolean {
  return process.env.BENCH_ROUTES === 'on';
}

export function notFound(): Response {
  return new Response(null, { status: 404 });
}

let secrets: WebhookSecret[] | undefined;

/** The app's own pool and webhook secrets, as the real route uses them. */
export function getMinimalContext() {
  secrets ??= parseSecrets(getConfig().webhookSecrets);
  return { sql: getDatabase().sql, secrets };
}
