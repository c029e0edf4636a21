/** The time windows a list or the overview can be limited to. */
export const WINDOWS = {
  '1h': { label: 'Last hour', ms: 60 * 60 * 1000 },
  '6h': { label: 'Last 6 hours', ms: 6 * 60 * 60 * 1000 },
  '24h': { label: 'Last 24 hours', ms: 24 * 60 * 60 * 1000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 60 * 60 * 1000 },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * 60 * 60 * 1000 },
} as const;

export type WindowKey = keyof typeof WINDOWS;

export function isWindowKey(value: string | undefined): value is WindowKey {
  return value !== undefined && Object.hasOwn(WINDOWS, value);
}

const MINUTE_MS = 60 * 1000;

/**
 * Where a window starts, rounded down to the minute. The rounding keeps the
 * query the same between refreshes for a minute at a time, so polling
 * refetches one query instead of starting a new one every few seconds.
 * The end stays open, so new rows keep arriving.
 */
export function windowStart(key: WindowKey, now: number = Date.now()): string {
  const start = now - WINDOWS[key].ms;
  return new Date(Math.floor(start / MINUTE_MS) * MINUTE_MS).toISOString();
}
