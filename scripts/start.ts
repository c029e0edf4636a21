import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

import next from 'next';

import { migrateDatabase } from '../db/migrate';
import { ConfigError, loadConfig } from '../server/config';
import { startWorkerThread } from '../server/dispatch/start-worker-thread';
import { PEER_HEADER } from '../server/ingest/describe-request';
import { createLogger } from '../server/logger';
import {
  createAddressResolver,
  type AddressResolver,
} from '../server/runtime/client-address';
import { ensureSecrets } from '../server/runtime/ensure-secrets';
import { ensureSessionSecret } from '../server/runtime/ensure-session-secret';
import { openDatabase } from '../server/runtime/open-database';
import { ensureBuild } from './lib/ensure-build';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Node answers 431 itself past this, before any handler runs. */
const MAX_HEADER_BYTES = 16 * 1024;

async function main() {
  const root = process.cwd();
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  const database = await openDatabase(config, log);
  await migrateDatabase(database.url, log);
  const secrets = await ensureSecrets(config, database.embedded, log);
  const sessionSecret = await ensureSessionSecret(
    config,
    database.embedded,
    log,
  );
  // The route handlers read their configuration from the environment.
  process.env.DATABASE_URL = database.url;
  process.env.BAKONG_WEBHOOK_SECRETS = secrets.join(' ');
  if (sessionSecret) process.env.SESSION_SECRET = sessionSecret;

  const worker = config.runWorker
    ? await startWorkerThread(
        {
          databaseUrl: database.url,
          concurrency: config.workerConcurrency,
          maxAttempts: config.dispatchMaxAttempts,
          logLevel: config.logLevel,
          retention: {
            rawBodyDays: config.rawBodyRetentionDays,
            rejectedDays: config.rejectedRetentionDays,
          },
        },
        log,
      )
    : null;

  if (process.env.GATEWAY_SKIP_BUILD !== '1') await ensureBuild(root, log);
  const app = next({
    dev: false,
    dir: root,
    hostname: config.host,
    port: config.port,
  });
  await app.prepare();
  const handle = app.getRequestHandler();

  const clientAddress = createAddressResolver(config.trustedProxies);
  let stopping = false;
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES },
    (req, res) => {
      const requestId = tagRequest(req, clientAddress);
      res.setHeader('x-request-id', requestId);
      // While stopping, a kept-alive client is told to reconnect rather
      // than have its next request reset.
      if (stopping) res.setHeader('connection', 'close');
      handle(req, res).catch((error: unknown) => {
        log.error(
          { err: error, requestId },
          'unhandled error while serving a request',
        );
        if (!res.headersSent) res.writeHead(500).end();
      });
    },
  );
  server.listen(config.port, config.host, () => {
    log.info(
      {
        url: `http://${config.host}:${config.port}`,
        embeddedDatabase: database.embedded,
      },
      `gateway listening on http://${config.host}:${config.port}`,
    );
  });

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(
      { signal },
      'stopping: no new requests, finishing the ones in flight',
    );
    const closed = new Promise<void>((resolve) =>
      server.close(() => resolve()),
    );
    server.closeIdleConnections();
    // The worker stops after the last request: deliveries acknowledged
    // while draining still get their dispatch jobs from its relay.
    await closed;
    await worker?.stop();
    await app.close().catch(() => {});
    await database.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * Keeps a well-formed incoming request id (or makes one) and records the
 * caller's address (see client-address.ts) in a header of our own,
 * replacing any a client sent, so the route can trust it.
 */
function tagRequest(
  req: IncomingMessage,
  clientAddress: AddressResolver,
): string {
  const incoming = req.headers['x-request-id'];
  const requestId =
    typeof incoming === 'string' && REQUEST_ID.test(incoming)
      ? incoming
      : randomUUID();
  req.headers['x-request-id'] = requestId;
  req.headers[PEER_HEADER] = clientAddress(req);
  return requestId;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`the gateway could not start: ${String(error)}\n`);
    if (error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
});
