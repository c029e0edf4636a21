export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Liveness: the process answers. Says nothing about the database. */
export function GET() {
  return Response.json(
    { live: true },
    { headers: { 'cache-control': 'no-store' } },
  );
}
