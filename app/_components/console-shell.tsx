'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type ReactNode, useEffect } from 'react';

import { AnnounceProvider } from '../_lib/announce';
import { errorCode } from '../_lib/error-code';
import { RefreshProvider } from '../_lib/refresh';
import { SessionProvider, toSession } from '../_lib/session';
import { useTRPC } from '../_lib/trpc';
import { ConsoleNav } from './console-nav';
import { GlobalSearch } from './global-search';
import { ErrorNotice, Loading } from './query-states';
import { TenantPicker } from './tenant-picker';
import { ZonePicker } from './zone-picker';

/**
 * Every console page sits in this frame: who is signed in, the search, the
 * tenant and zone pickers, the sections. Nobody unknown gets past it: an
 * unauthenticated visitor is sent to sign-in and brought back afterwards.
 */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const query = useSearchParams().toString();
  const me = useQuery({
    ...trpc.auth.me.queryOptions(undefined),
    refetchInterval: 60_000,
    retry: false,
  });
  const signedOut = errorCode(me.error) === 'UNAUTHORIZED';

  useEffect(() => {
    if (!signedOut) return;
    const back = query === '' ? pathname : `${pathname}?${query}`;
    router.replace(`/sign-in?next=${encodeURIComponent(back)}`);
  }, [signedOut, pathname, query, router]);

  if (me.data === undefined) {
    return (
      <main id="content" className="centered">
        {me.isError && !signedOut ? (
          <ErrorNotice
            error={me.error}
            what="your session"
            onRetry={() => void me.refetch()}
          />
        ) : (
          <Loading what={signedOut ? 'the sign-in page' : 'your session'} />
        )}
      </main>
    );
  }

  const session = toSession(me.data);
  return (
    <SessionProvider session={session}>
      <RefreshProvider>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <header className="top-bar">
          <span className="brand">
            Modula <span className="brand-sub">Webhook Gateway</span>
          </span>
          <GlobalSearch />
          <TenantPicker />
          <ZonePicker />
          <UserMenu name={session.name} role={session.role} />
        </header>
        <div className="frame">
          <ConsoleNav />
          <main id="content" className="content" tabIndex={-1}>
            <AnnounceProvider>{children}</AnnounceProvider>
          </main>
        </div>
      </RefreshProvider>
    </SessionProvider>
  );
}

function UserMenu({ name, role }: { name: string; role: string }) {
  const trpc = useTRPC();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      // A full page load, so nothing of this operator's data stays in memory
      // for whoever uses the browser next.
      onSuccess: () => window.location.replace('/sign-in?signedOut=1'),
    }),
  );
  return (
    <div className="user">
      <span>
        <span className="sr-only">Signed in as </span>
        <strong>{name}</strong> <span className="role">{role}</span>
      </span>
      <button
        type="button"
        className="button small"
        disabled={signOut.isPending}
        onClick={() => signOut.mutate({})}
      >
        Sign out
      </button>
      {signOut.isError ? (
        <span role="alert" className="small">
          Sign-out failed; try again.
        </span>
      ) : null}
    </div>
  );
}
