import { fail, ok, type Result } from './result';

export type BodyRead = {
  /** The bytes read: all of them, or those up to the cap. */
  bytes: Buffer;
};

type Failure = { reason: 'body_too_large' | 'body_read_timeout'; bytes: Buffer };

/**
 * Reads the request body as raw bytes, never as text, and stops reading at
 * `maxBytes` or after `timeoutMs`. On failure it still hands back what it
 * read, so the delivery row keeps a prefix and its hash.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  options: { maxBytes: number; timeoutMs: number },
): Promise<Result<BodyRead, Failure['reason']> & { bytes: Buffer }> {
  if (stream === null) return { ...ok({ bytes: Buffer.alloc(0) }), bytes: Buffer.alloc(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const collected = () => Buffer.concat(chunks, Math.min(size, options.maxBytes));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === 'timeout') {
        void reader.cancel().catch(() => {});
        return { ...fail('body_read_timeout'), bytes: collected() };
      }
      if (next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
      if (size > options.maxBytes) {
        void reader.cancel().catch(() => {});
        return { ...fail('body_too_large', `over ${options.maxBytes} bytes`), bytes: collected() };
      }
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks, size);
  return { ...ok({ bytes }), bytes };
}
