import { Writable } from 'node:stream';

import pino from 'pino';
import { afterAll, expect, it } from 'vitest';

import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { ingestContext, send, testSql } from '../../test/ingest-harness';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

it('logs hostile header values escaped, one JSON line per delivery', async () => {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  const ctx = ingestContext(sql, { log: pino({ level: 'info' }, sink) });
  const hostile = 'msg\u001b[2J\u001b]0;owned\u0007 fake {"level":30}';
  await send(ctx, makeConfirmation(), { headers: { 'webhook-id': hostile } });

  const lines = output.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0]!) as { messageId: string; reason: string };
  expect(line.reason).toBe('invalid_message_id');
  expect(line.messageId).toBe(hostile);
  // No raw control character reaches the log stream.
  expect(output.trimEnd()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  expect(output).toContain('\\u001b[2J');
});
