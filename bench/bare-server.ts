import { createServer, type IncomingMessage } from 'node:http';

import { createSql } from '../db/client';
import { ingestMinimal } from '../server/bench/ingest-minimal';
import { parseSecrets } from '../server/ingest/secrets';

/**
 * The bare limit for bench/run.ts: the same minimal work as the Next.js
 * minimal route (server/bench/ingest-minimal.ts), on plain node:http with a
 * pool of the same size, in a process of its own. It prints `listening
 * <port>` once ready and stops on SIGTERM.
 */
async function main() {
  const databaseUrl = required('DATABASE_URL');
  const secrets = parseSecrets(required('BAKONG_WEBHOOK_SECRETS').split(/\s+/));
  const sql = createSql(databaseUrl);
  const header = (req: IncomingMessage, name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : null;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      ingestMinimal(sql, secrets, {
        messageId: header(req, 'webhook-id'),
        timestamp: header(req, 'webhook-timestamp'),
        signature: header(req, 'webhook-signature'),
        body: Buffer.concat(chunks),
        receivedAt: new Date(),
      }).then(
        (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body));
        },
        (error: unknown) => {
          process.stderr.write(`bare server: ${String(error)}\n`);
          res.writeHead(500).end();
        },
      );
    });
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`listening ${port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void sql.end({ timeout: 2 }).finally(() => process.exit(0));
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set; bench/run.ts sets it`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`bare server could not start: ${String(error)}\n`);
  process.exit(1);
});
