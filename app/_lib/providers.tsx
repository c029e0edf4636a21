'use client';

import {
  QueryCache,
  QueryClient,
  QueryClientProvider,
} from '@tanstack/react-query';
import { createTRPCClient, httpLink } from '@trpc/client';
import { type ReactNode, useState } from 'react';

import type { AppRouter } from '@/server/trpc/root';

import { errorCode, isRetryable } from './error-code';
import { TimeZoneProvider } from './time-zone';
import { TRPCProvider } from './trpc';

/** The query key path of `auth.me`, which the console shell asks first. */
const ME_PATH = ['auth', 'me'];

/** How often lists and counts refresh themselves. */
export const REFRESH_MS = 5000;

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        // A session that ended mid-use (signed out elsewhere, password
        // changed): asking who we are again sends the shell to sign-in.
        // Not for that question itself, or a refusal would ask it forever.
        const [path] = query.queryKey;
        const isMe =
          Array.isArray(path) && path.join('.') === ME_PATH.join('.');
        if (errorCode(error) === 'UNAUTHORIZED' && !isMe) {
          void client.invalidateQueries({ queryKey: [ME_PATH] });
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 2000,
        gcTime: 2 * 60 * 1000,
        retry: (failures, error) => isRetryable(error) && failures < 2,
      },
    },
  });
  return client;
}

/** The query cache and the tRPC client for every page of the console. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: '/api/trpc',
          // The gateway refuses cookie-authenticated changes without it
          // (server/auth/check-origin.ts); sending it on reads is harmless.
          headers: { 'x-gateway-csrf': '1' },
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <TimeZoneProvider>{children}</TimeZoneProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
