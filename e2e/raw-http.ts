import { connect } from 'node:net';

export type RawResponse = {
  status: number;
  headers: Record<string, string>;
  body: string;
};

/**
 * One HTTP/1.1 exchange written byte by byte, for what a normal client
 * cannot send: repeated headers, huge headers, a body that trickles in,
 * or chunks with no Content-Length.
 */
export function rawRequest(
  baseUrl: string,
  input: {
    method?: string;
    headers: [string, string][];
    /** Written in order, waiting `pauseMs` between them. */
    chunks?: (string | Buffer)[];
    pauseMs?: number;
    timeoutMs?: number;
  },
): Promise<RawResponse> {
  const url = new URL('/api/webhooks/bakong', baseUrl);
  const head =
    `${input.method ?? 'POST'} ${url.pathname} HTTP/1.1\r\n` +
    `host: ${url.host}\r\nconnection: close\r\n` +
    input.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no complete answer in time'));
    }, input.timeoutMs ?? 20_000);
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(received).toString('latin1')));
    });
    socket.on('connect', async () => {
      socket.write(head);
      for (const chunk of input.chunks ?? []) {
        if (socket.destroyed) break;
        socket.write(chunk);
        if (input.pauseMs)
          await new Promise((r) => setTimeout(r, input.pauseMs));
      }
    });
  });
}

function parse(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}
