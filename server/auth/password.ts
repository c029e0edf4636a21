import bcrypt from 'bcryptjs';

/** About 0.3 s of one core here: slow for a guesser, fine for a sign-in. */
export const PASSWORD_COST = 12;

/**
 * Compared against when the username is unknown, so that a wrong username
 * costs as long as a wrong password and the answer time names neither.
 */
let decoy: Promise<string> | undefined;

export function hashPassword(
  password: string,
  cost: number = PASSWORD_COST,
): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** Whether `password` matches `hash`; a null hash never matches. */
export async function checkPassword(
  password: string,
  hash: string | null,
): Promise<boolean> {
  if (hash === null) {
    decoy ??= bcrypt.hash('no operator has this password', PASSWORD_COST);
    await bcrypt.compare(password, await decoy);
    return false;
  }
  return bcrypt.compare(password, hash);
}

/** bcrypt reads at most 72 bytes; a longer password would be cut silently. */
const MAX_PASSWORD_BYTES = 72;
const MIN_PASSWORD_LENGTH = 12;

/** What is wrong with a new password, or null when it is acceptable. */
export function checkPasswordRules(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt ignores the rest)`;
  }
  return null;
}
