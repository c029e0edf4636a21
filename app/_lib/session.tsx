'use client';

import { createContext, type ReactNode, useContext } from 'react';

import type { Me } from './api-types';

/** Roles the gateway lets act on rows (server/trpc/roles.ts, ACTORS). */
const ACTING_ROLES: readonly string[] = ['admin', 'operator'];

export type Session = Me & {
  /** Retry, replay, reprocess, acknowledge and resolve are offered. */
  canAct: boolean;
  /** The audit log is readable (the same roles: it names staff). */
  canReadAudit: boolean;
};

const SessionContext = createContext<Session | null>(null);

export function toSession(me: Me): Session {
  const canAct = ACTING_ROLES.includes(me.role);
  return { ...me, canAct, canReadAudit: canAct };
}

export function SessionProvider({
  session,
  children,
}: {
  session: Session;
  children: ReactNode;
}) {
  return (
    <SessionContext.Provider value={session}>
      {children}
    </SessionContext.Provider>
  );
}

/** The signed-in caller; console pages render only once it is known. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null)
    throw new Error('useSession is for pages inside the console shell');
  return session;
}
