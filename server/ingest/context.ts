import { DEFAULT_POOL_MAX, getDatabase } from '../../db/client';
import { getConfig } from '../config';
import { getRegistry } from '../dispatch/default-registry';
import { getLogger } from '../logger';
import { getMetrics } from '../metrics/metrics';
import { createFloodGuard } from './flood-guard';
import type { IngestContext } from './handle-bakong-webhook';
import { parseSecrets } from './secrets';

let context: IngestContext | undefined;

/** The webhook's dependencies in this process, built on first use. */
export function getIngestContext(): IngestContext {
  if (!context) {
    const config = getConfig();
    getMetrics().databasePoolMax.set(DEFAULT_POOL_MAX);
    const { sql } = getDatabase();
    const log = getLogger().child({ route: 'webhooks/bakong' });
    context = {
      sql,
      dispatch: getRegistry().routes,
      secrets: parseSecrets(config.webhookSecrets),
      maxBodyBytes: config.maxBodyBytes,
      readTimeoutMs: config.readTimeoutMs,
      log,
      flood: createFloodGuard({
        sql,
        log,
        failuresPerWindow: config.floodFailuresPerWindow,
        windowSeconds: config.floodWindowSeconds,
      }),
    };
  }
  return context;
}
