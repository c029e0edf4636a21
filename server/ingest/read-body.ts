import { fail, ok, type Result } from './result';

type ReadFailure = 'body_too_large' | 'body_read_timeout';

/** What was read, whether or not the read succeeded. */
export type BodyRead = Result<Buffer, ReadFailure> & { bytes: Buffer };

/**
 * Reads the request body as raw bytes, never as text (`text()` would drop
 * a BOM and replace invalid bytes before the signature is checked). Stops
 * at `maxBytes` or after `timeoutMs`; on failure it still hands back what
 * it read, so the delivery row keeps a prefix and the hash of those bytes.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  options: { maxBytes: number; timeoutMs: number },
): Promise<BodyRead> {
  if (stream === null) {
    const empty = Buffer.alloc(0);
    return { ...ok(empty), bytes: empty };
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const stop = (reason: ReadFailure, detail: string): BodyRead => {
    void reader.cancel().catch(() => {});
    return { ...fail(reason, detail), bytes: Buffer.concat(chunks, size) };
  };
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === 'timeout') {
        return stop(
          'body_read_timeout',
          `${size} bytes in ${options.timeoutMs} ms`,
        );
      }
      if (next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
      if (size > options.maxBytes) {
        return stop('body_too_large', `over ${options.maxBytes} bytes`);
      }
    }
  } catch (error) {
    // The client went away mid-body: what arrived is all there is.
    return stop('body_read_timeout', `stream failed: ${String(error)}`);
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks, size);
  return { ...ok(bytes), bytes };
}
