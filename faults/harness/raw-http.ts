import { connect } from 'node:net';

export type RawRequest = {
  method?: string;
  path?: string;
  /**
   * Header lines in order, values written as given (latin1), so a test can
   * repeat a header or put any byte in a value. No Content-Length is added.
   */
  headers: [string, string | Buffer][];
  /** Body pieces written in order, `pauseMs` apart. */
  chunks?: (string | Buffer)[];
  pauseMs?: number;
  /** Give up on the answer after this long. */
  timeoutMs?: number;
};

export type RawResponse = {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
};

/**
 * One HTTP/1.1 exchange written byte by byte, for what fetch cannot send:
 * repeated or oversized headers, raw control bytes, bodies that trickle
 * in, chunks with no Content-Length, a length that lies.
 */
export function rawRequest(
  baseUrl: string,
  input: RawRequest,
): Promise<RawResponse> {
  const url = new URL(input.path ?? '/api/webhooks/bakong', baseUrl);
  const lines: Buffer[] = [
    Buffer.from(
      `${input.method ?? 'POST'} ${url.pathname} HTTP/1.1\r\n`,
      'latin1',
    ),
    Buffer.from(`host: ${url.host}\r\nconnection: close\r\n`, 'latin1'),
    ...input.headers.map(([name, value]) =>
      Buffer.concat([
        Buffer.from(`${name}: `, 'latin1'),
        typeof value === 'string' ? Buffer.from(value, 'latin1') : value,
        Buffer.from('\r\n', 'latin1'),
      ]),
    ),
    Buffer.from('\r\n', 'latin1'),
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no complete answer within ${input.timeoutMs ?? 20_000} ms`),
      );
    }, input.timeoutMs ?? 20_000);
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        ...parse(Buffer.concat(received).toString('latin1')),
        ms: Date.now() - started,
      });
    });
    socket.on('connect', async () => {
      socket.write(Buffer.concat(lines));
      for (const chunk of input.chunks ?? []) {
        if (socket.destroyed) break;
        socket.write(chunk);
        if (input.pauseMs)
          await new Promise((r) => setTimeout(r, input.pauseMs));
      }
    });
  });
}

function parse(text: string): Omit<RawResponse, 'ms'> {
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) return { status: 0, headers: {}, body: text };
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: Buffer.from(body, 'latin1').toString('utf8'),
  };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line === -1) return out;
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/** A chunked-encoding frame for one piece of a body. */
export function chunk(piece: string | Buffer): Buffer {
  const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
  return Buffer.concat([
    Buffer.from(`${bytes.length.toString(16)}\r\n`),
    bytes,
    Buffer.from('\r\n'),
  ]);
}

export const LAST_CHUNK = Buffer.from('0\r\n\r\n');
