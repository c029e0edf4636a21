/** Every role a caller can hold; procedures name the ones they allow. */
export const ROLES = ['admin', 'operator', 'viewer', 'service'] as const;

export type Role = (typeof ROLES)[number];

/**
 * Who is calling, as decided by server/auth/authenticate.ts and nowhere else.
 * `tenants` is what the caller may read: every tenant, or a fixed list.
 */
export type Caller = {
  /** How the caller proved itself: the environment's admin token, a stored
   * API token, or an operator's console session. */
  kind: 'environment' | 'token' | 'operator';
  /** Stable id for logs and audit columns; never a secret. */
  id: string;
  name: string;
  role: Role;
  tenants: 'all' | readonly string[];
};

/**
 * Whether the caller may see a row of this tenant. Rows with no tenant (a
 * delivery refused before its tenant was known, an unknown payment) can hold
 * any tenant's data, so only an admin over all tenants sees them.
 */
export function canSeeTenant(caller: Caller, tenantId: string | null): boolean {
  if (caller.role === 'admin' && caller.tenants === 'all') return true;
  if (tenantId === null) return false;
  return caller.tenants === 'all' || caller.tenants.includes(tenantId);
}

/** A stored tenant list as a caller's tenants: null in the table means all. */
export function tenantsFromColumn(
  tenantIds: readonly string[] | null,
): Caller['tenants'] {
  return tenantIds === null ? 'all' : tenantIds;
}

/**
 * Whether personal data is withheld from the caller: a viewer reads payer
 * account ids masked and never a raw body or a header value that may
 * identify someone.
 */
export function isMasked(caller: Caller): boolean {
  return caller.role === 'viewer';
}
