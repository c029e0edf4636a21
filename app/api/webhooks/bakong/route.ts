import { getIngestContext } from '@/server/ingest/context';
import { handleBakongWebhook } from '@/server/ingest/handle-bakong-webhook';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (request: Request) =>
  handleBakongWebhook(request, getIngestContext());

// Every method is exported so that the gateway, not the framework, answers
// the wrong ones: with 405, `Allow: POST` and a delivery row.
export {
  handle as DELETE,
  handle as GET,
  handle as HEAD,
  handle as OPTIONS,
  handle as PATCH,
  handle as POST,
  handle as PUT,
};
