/** Keys whose values identify a payer, wherever they sit in stored JSON. */
const PERSONAL_KEYS = new Set(['payerAccountId', 'fromAccountId']);

/** Headers a viewer may read as sent; the rest are masked. */
const PLAIN_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'webhook-id',
  'webhook-timestamp',
]);

export const MASK = '[masked]';

/**
 * `abaakhppxxx@abaa` as `ab***@abaa`: enough to tell payers' banks apart and
 * to match a payer a viewer already knows, not enough to name one.
 */
export function maskAccountId(accountId: string | null): string | null {
  if (accountId === null) return null;
  const at = accountId.lastIndexOf('@');
  const name = at === -1 ? accountId : accountId.slice(0, at);
  const bank = at === -1 ? '' : accountId.slice(at);
  return `${name.slice(0, 2)}***${bank}`;
}

/** A copy of stored JSON with every payer account id masked. */
export function maskPersonalData(value: unknown, depth = 0): unknown {
  // Stored JSON is written by the gateway and shallow; the bound is a guard.
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value))
    return value.map((item) => maskPersonalData(item, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    masked[key] =
      PERSONAL_KEYS.has(key) && (typeof item === 'string' || item === null)
        ? maskAccountId(item)
        : maskPersonalData(item, depth + 1);
  }
  return masked;
}

/** Request headers as a viewer sees them: names, and only harmless values. */
export function maskHeaders(
  headers: Record<string, string>,
): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    masked[name] = PLAIN_HEADERS.has(name) ? value : MASK;
  }
  return masked;
}
