import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import {
  makeConfirmation,
  signedHeaders,
} from '../server/providers/bakong/make-confirmation';
import { secretFilePath } from '../server/runtime/ensure-secrets';
import { parseSecrets } from '../server/ingest/secrets';

const USAGE = `npm run send -- [options]

Posts signed Bakong deliveries to a running gateway.

  --url URL          gateway base URL (default http://127.0.0.1:$PORT or :3000)
  --file PATH        send this file's bytes as one delivery, exactly as they are
  --count N          send N realistic confirmations (default 1)
  --duplicates R     share of them that repeat an earlier payment (default 0.2)
  --concurrency C    requests in flight at once (default 4)
  --secret whsec_…   sign with this secret (default: BAKONG_WEBHOOK_SECRETS,
                     else the generated one in .data/bakong-webhook-secret)
  --md5 HEX          the KHQR md5 of a generated confirmation
  --amount TEXT      its amount as JSON text, e.g. 25000 or "4.50"
  --currency KHR|USD its currency
  --quiet            print only the summary`;

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      file: { type: 'string' },
      count: { type: 'string', default: '1' },
      duplicates: { type: 'string', default: '0.2' },
      concurrency: { type: 'string', default: '4' },
      secret: { type: 'string' },
      md5: { type: 'string' },
      amount: { type: 'string' },
      currency: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);

  const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  const endpoint = new URL('/api/webhooks/bakong', base).toString();
  const [secret] = parseSecrets([await findSecret(values.secret)]);
  if (!secret) throw new Error('no secret to sign with');
  const count = positive(values.count, '--count');
  const share = Number(values.duplicates);
  if (!(share >= 0 && share < 1))
    throw new Error('--duplicates must be in [0, 1)');
  const currency =
    values.currency === 'USD'
      ? 'USD'
      : values.currency === undefined
        ? undefined
        : 'KHR';

  // Bytes, never text: a file is sent and signed exactly as it is, invalid
  // UTF-8 included, so the gateway's own checks are what answers.
  const bodies: Buffer[] = [];
  if (values.file) {
    bodies.push(await readFile(values.file));
  } else {
    for (let i = 0; i < count; i += 1) {
      const repeat = bodies.length > 0 && Math.random() < share;
      bodies.push(
        repeat
          ? bodies[Math.floor(Math.random() * bodies.length)]!
          : Buffer.from(
              makeConfirmation({
                md5: values.md5,
                amount: values.amount,
                currency,
              }),
            ),
      );
    }
  }

  const tally = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: signedHeaders({ body, key: secret.key }),
        body: new Uint8Array(body),
      });
      const text = await response.text();
      const label = `${response.status} ${statusOf(text)}`;
      tally.set(label, (tally.get(label) ?? 0) + 1);
      if (!values.quiet) process.stdout.write(`${response.status} ${text}\n`);
    }
  };
  const concurrency = positive(values.concurrency, '--concurrency');
  await Promise.all(Array.from({ length: concurrency }, worker));
  const summary = [...tally].map(([label, n]) => `${n} x ${label}`).join(', ');
  process.stdout.write(`sent ${bodies.length} to ${endpoint}: ${summary}\n`);
}

async function findSecret(explicit: string | undefined): Promise<string> {
  if (explicit) return explicit;
  const configured = process.env.BAKONG_WEBHOOK_SECRETS?.trim().split(/\s+/)[0];
  if (configured) return configured;
  const file = secretFilePath(process.env.DATA_DIR ?? '.data');
  const stored = await readFile(file, 'utf8').catch(() => null);
  if (stored?.trim()) return stored.trim();
  throw new Error(
    `no secret: pass --secret, set BAKONG_WEBHOOK_SECRETS, or start the gateway ` +
      `once with \`npm start\` so it writes ${file}`,
  );
}

function statusOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { status?: string; error?: string };
    return parsed.status ?? parsed.error ?? '';
  } catch {
    return '';
  }
}

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a whole number above 0`);
  return n;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `send failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
