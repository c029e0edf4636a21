import type { IncomingMessage } from 'node:http';

import proxyAddr from 'proxy-addr';

export type AddressResolver = (req: IncomingMessage) => string;

/**
 * The caller's address: the socket's peer, or, only when that peer is a
 * trusted proxy, the nearest address in `X-Forwarded-For` that is not
 * itself trusted. A client's own forwarded header is never believed.
 * `trusted` takes addresses, CIDR ranges and proxy-addr's names
 * (`loopback`, `linklocal`, `uniquelocal`).
 */
export function createAddressResolver(
  trusted: readonly string[],
): AddressResolver {
  const trust = proxyAddr.compile([...trusted]);
  return (req) => {
    try {
      return proxyAddr(req, trust);
    } catch {
      // A malformed forwarded header: fall back to what the socket says.
      return req.socket.remoteAddress ?? '';
    }
  };
}
