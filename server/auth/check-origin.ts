/** The header the console sends with every mutation; its value is `1`. */
export const CSRF_HEADER = 'x-gateway-csrf';

/**
 * Whether a request may change something on the strength of who sent it.
 *
 * A bearer token is never sent by a browser on its own, so such a request
 * cannot be forged by another site. Anything else may ride on the session
 * cookie, and must carry the console's custom header: a cross-site form
 * cannot set one, and a cross-site fetch that sets one needs a CORS
 * preflight the gateway never grants. When the browser names the page's
 * origin, it must also be the gateway's own host.
 */
export function checkOrigin(request: Request): boolean {
  if (request.headers.get('authorization') !== null) return true;
  if (request.headers.get(CSRF_HEADER) !== '1') return false;
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  const host = request.headers.get('host') ?? new URL(request.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    // `Origin: null` (a sandboxed frame, a redirect) names no host at all.
    return false;
  }
}
