import { getIronSession, unsealData } from 'iron-session';
import { z } from 'zod';

export const SESSION_COOKIE = 'gateway_session';

/** A console session lasts a working day; then the operator signs in again. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/** What the sealed cookie holds: whose session, and which generation. */
const sessionSchema = z.object({
  operatorId: z.uuid(),
  version: z.number().int().min(0),
});

export type SessionData = z.infer<typeof sessionSchema>;

/**
 * The operator session a request's cookie names, or null when there is none
 * or it is not one iron-session sealed with `secret` (tampered, expired).
 * Whether the operator may still use it is for the caller to check.
 */
export async function readSessionCookie(
  headers: Headers,
  secret: string,
): Promise<SessionData | null> {
  const sealed = cookieValue(headers.get('cookie'), SESSION_COOKIE);
  if (sealed === null || sealed.length > 4096) return null;
  const data = await unsealData<unknown>(sealed, {
    password: secret,
    ttl: SESSION_TTL_SECONDS,
  }).catch(() => null);
  const parsed = sessionSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/**
 * Seals `data` into the session cookie on the response, or expires the
 * cookie when `data` is null. iron-session writes the Set-Cookie line onto a
 * scratch Response, which is copied over to tRPC's response headers.
 */
export async function writeSessionCookie(
  request: Request,
  resHeaders: Headers,
  secret: string,
  data: SessionData | null,
): Promise<void> {
  const scratch = new Response(null);
  const session = await getIronSession<Partial<SessionData>>(request, scratch, {
    cookieName: SESSION_COOKIE,
    password: secret,
    ttl: SESSION_TTL_SECONDS,
    cookieOptions: {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: isHttps(request),
    },
  });
  if (data === null) {
    session.destroy();
  } else {
    session.operatorId = data.operatorId;
    session.version = data.version;
    await session.save();
  }
  for (const line of scratch.headers.getSetCookie())
    resHeaders.append('set-cookie', line);
}

/**
 * Whether the browser reached the gateway over https: directly, or through
 * a proxy that terminated TLS and said so. A forged header only makes the
 * forger's own cookie Secure.
 */
function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  const forwarded = request.headers.get('x-forwarded-proto');
  return forwarded?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/** One cookie's value from a Cookie header; the first wins if sent twice. */
function cookieValue(header: string | null, name: string): string | null {
  if (header === null) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at === -1 || part.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}
