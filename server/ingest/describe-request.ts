/** Request headers that carry credentials: never stored, never logged. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

/** Set by our own HTTP server from the socket; see scripts/start.ts. */
export const PEER_HEADER = 'x-gateway-peer';

const MAX_HEADER_VALUE = 2048;

export type RequestMeta = {
  method: string;
  receivedAt: string;
  requestId: string | null;
  remoteAddress: string | null;
  /** Header names lowercased; values cut to 2 KiB. */
  headers: Record<string, string>;
};

/** The metadata a delivery row keeps, with credentials removed. */
export function describeRequest(
  request: Request,
  receivedAt: Date,
): RequestMeta {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (CREDENTIAL_HEADERS.has(name) || name === PEER_HEADER) return;
    if (/secret|token|password/.test(name)) return;
    headers[name] = value.slice(0, MAX_HEADER_VALUE);
  });
  return {
    method: request.method,
    receivedAt: receivedAt.toISOString(),
    requestId: request.headers.get('x-request-id'),
    remoteAddress: request.headers.get(PEER_HEADER),
    headers,
  };
}
