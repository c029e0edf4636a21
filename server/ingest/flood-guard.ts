import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import { getMetrics } from '../metrics/metrics';

export type FloodGuard = {
  /** Seconds until the address may fail again; 0 when it is within budget. */
  blockedFor: (address: string) => Promise<number>;
  /** Counts one unauthenticated failure against the address. */
  failed: (address: string) => Promise<void>;
  /** Counts a refusal answered 429 into the address's aggregate row. */
  suppressed: (address: string, reason: string) => void;
  /** Writes the aggregates gathered since the last flush. */
  flush: () => Promise<void>;
  stop: () => Promise<void>;
};

type Burst = {
  address: string;
  windowStartedAt: Date;
  lastRefusedAt: Date;
  refused: number;
  reasons: Record<string, number>;
  dirty: boolean;
};

const FLUSH_EVERY_MS = 1000;

/**
 * Limits how many unauthenticated failures (400, 401, 405, 408, 413, 415)
 * one address may cause per window. Past the budget its refusals answer
 * 429 with Retry-After and are counted into one `refusal_bursts` row per
 * address and window instead of one delivery row each, so a flood of forged
 * requests cannot fill the database. Verified deliveries are never limited:
 * the route checks the signature before it refuses with 429.
 *
 * The budget is kept in memory per instance (rate-limiter-flexible): behind
 * a load balancer an address gets the budget once per instance, and a
 * restart forgets it. A shared store would fix both; the flood protection
 * does not need it to bound the rows written.
 */
export function createFloodGuard(options: {
  sql: Sql;
  log: Logger;
  failuresPerWindow: number;
  windowSeconds: number;
}): FloodGuard {
  const limiter = new RateLimiterMemory({
    points: options.failuresPerWindow,
    duration: options.windowSeconds,
  });
  const bursts = new Map<string, Burst>();
  const windowMs = options.windowSeconds * 1000;

  const flush = async () => {
    const pending = [...bursts.values()].filter((burst) => burst.dirty);
    if (pending.length === 0) return;
    for (const burst of pending) burst.dirty = false;
    try {
      // A handful of rows per second at most: one statement each is fine.
      for (const burst of pending) {
        await options.sql`
          insert into refusal_bursts
            (remote_address, window_started_at, last_refused_at, refused, reasons)
          values (
            ${burst.address}, ${burst.windowStartedAt.toISOString()}::text::timestamptz,
            ${burst.lastRefusedAt.toISOString()}::text::timestamptz,
            ${burst.refused}, ${JSON.stringify(burst.reasons)}::text::jsonb
          )
          on conflict (remote_address, window_started_at) do update
            set refused = excluded.refused,
                last_refused_at = excluded.last_refused_at,
                reasons = excluded.reasons
        `;
      }
    } catch (error) {
      for (const burst of pending) burst.dirty = true;
      options.log.warn(
        { err: error },
        'could not write refusal aggregates; retrying',
      );
    }
    const now = Date.now();
    for (const [key, burst] of bursts) {
      if (!burst.dirty && burst.windowStartedAt.getTime() + windowMs < now)
        bursts.delete(key);
    }
  };
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();

  return {
    blockedFor: async (address) => {
      const state: RateLimiterRes | null = await limiter.get(address);
      if (!state || state.consumedPoints < options.failuresPerWindow) return 0;
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    },
    failed: async (address) => {
      await limiter.consume(address).catch(() => {});
    },
    suppressed: (address, reason) => {
      const now = new Date();
      const windowStartedAt = new Date(
        Math.floor(now.getTime() / windowMs) * windowMs,
      );
      const key = `${address}|${windowStartedAt.toISOString()}`;
      let burst = bursts.get(key);
      if (!burst) {
        burst = {
          address,
          windowStartedAt,
          lastRefusedAt: now,
          refused: 0,
          reasons: {},
          dirty: true,
        };
        bursts.set(key, burst);
        options.log.warn(
          {
            remoteAddress: address,
            windowStartedAt,
            failuresPerWindow: options.failuresPerWindow,
          },
          'address over its failure budget: refusals answered 429 and counted, not stored',
        );
      }
      burst.refused += 1;
      burst.reasons[reason] = (burst.reasons[reason] ?? 0) + 1;
      burst.lastRefusedAt = now;
      burst.dirty = true;
      getMetrics().floodRefusals.inc();
    },
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
