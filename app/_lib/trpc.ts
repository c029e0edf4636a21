'use client';

import { createTRPCContext } from '@trpc/tanstack-react-query';

import type { AppRouter } from '@/server/trpc/root';

/** The console's typed hooks over the gateway's own tRPC router. */
export const { TRPCProvider, useTRPC, useTRPCClient } =
  createTRPCContext<AppRouter>();
