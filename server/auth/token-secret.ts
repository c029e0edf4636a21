import { createHash, randomBytes } from 'node:crypto';

/** `mgw_` and 32 random bytes in base64url: what an issued token looks like. */
export const TOKEN_PATTERN = /^mgw_[A-Za-z0-9_-]{43}$/;

/** How much of a token a list shows, to tell tokens apart without using one. */
const PREFIX_LENGTH = 12;

/**
 * A new API token. 256 random bits need no slow hash: nobody can guess
 * one from its sha256, so the table keeps only that.
 */
export function newTokenSecret(): {
  token: string;
  sha256: string;
  prefix: string;
} {
  const token = `mgw_${randomBytes(32).toString('base64url')}`;
  return {
    token,
    sha256: hashTokenSecret(token),
    prefix: token.slice(0, PREFIX_LENGTH),
  };
}

export function hashTokenSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
