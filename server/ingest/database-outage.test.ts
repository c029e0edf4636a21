import { afterAll, expect, it } from 'vitest';

import { createSql } from '../../db/client';
import { startTcpProxy, throughProxy } from '../../test/tcp-proxy';
import { ingestContext, send } from '../../test/ingest-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { inject } from 'vitest';

const direct = new URL(inject('databaseUrl'));
const proxy = await startTcpProxy({
  host: direct.hostname,
  port: Number(direct.port || 5432),
});
const sql = createSql(throughProxy(direct.toString(), proxy), { max: 2 });
const ctx = ingestContext(sql, { recordTimeoutMs: 2000 });
afterAll(async () => {
  await sql.end({ timeout: 1 });
  await proxy.close();
});

it('answers 503 with Retry-After while the database is away, then recovers', async () => {
  expect((await send(ctx, makeConfirmation())).status).toBe(200);

  proxy.cut();
  const body = makeConfirmation();
  const during = await send(ctx, body);
  expect(during.status).toBe(503);
  expect(during.headers.get('retry-after')).toBe('5');
  expect(during.json.error).toBe('database_unavailable');

  proxy.restore();
  // postgres.js reconnects on the next query: no restart, no manual step.
  const after = await send(ctx, body);
  expect(after.status).toBe(200);
  expect(after.json.status).toBe('accepted');
});
