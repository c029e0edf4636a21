import {
  benchRoutesEnabled,
  getMinimalContext,
  notFound,
} from '@/server/bench/bench-routes';
import { ingestMinimal } from '@/server/bench/ingest-minimal';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The minimal route for bench/run.ts: the gateway's least work (verify,
 * parse, one insert of event and delivery) inside Next.js, to tell the
 * framework's cost from the gateway's. Only with `BENCH_ROUTES=on`.
 */
async function handle(request: Request): Promise<Response> {
  if (!benchRoutesEnabled()) return notFound();
  if (request.method !== 'POST') {
    return new Response(null, { status: 405, headers: { allow: 'POST' } });
  }

  const { sql, secrets } = getMinimalContext();
  const answer = await ingestMinimal(sql, secrets, {
    messageId: request.headers.get('webhook-id'),
    timestamp: request.headers.get('webhook-timestamp'),
    signature: request.headers.get('webhook-signature'),
    body: Buffer.from(await request.arrayBuffer()),
    receivedAt: new Date(),
  });
  return Response.json(answer.body, { status: answer.status });
}

export {
  handle as DELETE,
  handle as GET,
  handle as HEAD,
  handle as OPTIONS,
  handle as PATCH,
  handle as POST,
  handle as PUT,
};
