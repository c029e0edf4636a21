import { benchRoutesEnabled, notFound } from '@/server/bench/bench-routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The framework ceiling for bench/run.ts: a route handler that does nothing,
 * so its throughput is what Next.js itself costs per request here. Only with
 * `BENCH_ROUTES=on`; otherwise 404.
 */
const handle = () =>
  benchRoutesEnabled() ? new Response('ok', { status: 200 }) : notFound();

export {
  handle as DELETE,
  handle as GET,
  handle as HEAD,
  handle as OPTIONS,
  handle as PATCH,
  handle as POST,
  handle as PUT,
};
