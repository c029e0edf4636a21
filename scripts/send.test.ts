import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { expect, it } from 'vitest';

import { parseSecrets } from '../server/ingest/secrets';
import { verifySignature } from '../server/ingest/verify-signature';
import { makeConfirmation } from '../server/providers/bakong/make-confirmation';
import { SECRET_1 } from '../server/providers/bakong/fixtures';

const run = promisify(execFile);

it('sends and signs a file exactly as its bytes are, invalid UTF-8 included', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'gw-send-'));
  const received: { body: Buffer; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"quarantined"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const text = makeConfirmation().replace('POS-', 'POS-#');
    const bytes = Buffer.from(text);
    bytes[bytes.indexOf('#')] = 0xff; // not UTF-8 on its own
    const file = path.join(folder, 'body.json');
    await writeFile(file, bytes);
    const { port } = server.address() as AddressInfo;
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/send.ts',
        '--url',
        `http://127.0.0.1:${port}`,
        '--file',
        file,
        '--secret',
        SECRET_1,
        '--quiet',
      ],
      { timeout: 30_000 },
    );
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.body.equals(bytes)).toBe(true);
    const verified = verifySignature({
      messageId: String(delivery!.headers['webhook-id']),
      timestamp: String(delivery!.headers['webhook-timestamp']),
      body: delivery!.body,
      header: String(delivery!.headers['webhook-signature']),
      secrets: parseSecrets([SECRET_1]),
    });
    expect(verified.ok).toBe(true);
  } finally {
    server.close();
    await rm(folder, { recursive: true, force: true });
  }
});
