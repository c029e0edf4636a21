import { createHash } from 'node:crypto';

/** A signing key, known by an id that is safe to store and log. */
export type WebhookSecret = { id: string; key: Buffer };

const PREFIX = 'whsec_';

/**
 * Turns `whsec_<base64>` secrets into keys. The HMAC key is the decoded
 * base64 part, not the text of the secret (a common mistake with Standard
 * Webhooks). The id is a short hash of the key, so rows and logs can say
 * which secret matched during a rotation without ever holding it.
 */
export function parseSecrets(secrets: readonly string[]): WebhookSecret[] {
  return secrets.map((secret) => {
    if (!secret.startsWith(PREFIX)) {
      throw new Error(`a webhook secret must start with ${PREFIX}`);
    }
    const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
    if (key.length === 0) throw new Error('a webhook secret has an empty key');
    const digest = createHash('sha256').update(key).digest('hex');
    return { id: `key_${digest.slice(0, 12)}`, key };
  });
}
