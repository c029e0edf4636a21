import { getDatabase } from '@/db/client';
import { getConfig } from '@/server/config';
import { mayReadMetrics, renderMetrics } from '@/server/metrics/render-metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint; behind `METRICS_TOKEN` when it is set. */
export async function GET(request: Request) {
  if (!mayReadMetrics(request.headers, getConfig().metricsToken)) {
    return Response.json(
      {
        error: 'unauthorized',
        message: 'send Authorization: Bearer <METRICS_TOKEN>',
      },
      { status: 401, headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  const { contentType, body } = await renderMetrics(getDatabase().sql);
  return new Response(body, {
    headers: { 'content-type': contentType, 'cache-control': 'no-store' },
  });
}
