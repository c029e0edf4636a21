import { getDatabase } from '@/db/client';
import { checkReadiness } from '@/server/health/check-readiness';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Readiness: 200 when the database answers and is migrated, else 503. */
export async function GET() {
  const readiness = await checkReadiness(getDatabase().sql);
  return Response.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
