/** Tenants of the console tests; other specs use their own. */
export const TENANT_A = 'e2e-tenant-a';
export const TENANT_B = 'e2e-tenant-b';

/** The operators global-setup creates for the console tests. */
export const CONSOLE_USERS = {
  admin: {
    username: 'e2e-admin',
    password: 'admin-password-0123',
    role: 'admin',
    tenants: 'all',
  },
  operatorA: {
    username: 'e2e-operator-a',
    password: 'operator-password-0123',
    role: 'operator',
    tenants: [TENANT_A],
  },
  viewerA: {
    username: 'e2e-viewer-a',
    password: 'viewer-password-0123',
    role: 'viewer',
    tenants: [TENANT_A],
  },
} as const;

export type ConsoleUser = (typeof CONSOLE_USERS)[keyof typeof CONSOLE_USERS];
