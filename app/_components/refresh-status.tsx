'use client';

import { REFRESH_MS } from '../_lib/providers';
import { useRefresh } from '../_lib/refresh';
import { formatInstant, useTimeZone } from '../_lib/time-zone';

/** The parts of a query result the status line reads. */
type Polled = {
  dataUpdatedAt: number;
  isFetching: boolean;
  isError: boolean;
  data?: unknown;
};

/**
 * When the data on screen was fetched, whether it refreshes by itself, and
 * a pause for reading. Only a failed refresh is announced, so a screen
 * reader is not interrupted every few seconds.
 */
export function RefreshStatus({ query }: { query: Polled }) {
  const { zone } = useTimeZone();
  const { paused, togglePaused } = useRefresh();
  const { dataUpdatedAt, isFetching, isError, data } = query;
  const at =
    dataUpdatedAt > 0
      ? formatInstant(new Date(dataUpdatedAt).toISOString(), zone, 'time')
      : '—';
  // With nothing on screen the page shows the error itself.
  const staleAfterFailure = isError && data !== undefined;
  return (
    <div className="refresh">
      <span className="muted small">
        {paused
          ? 'Auto-refresh paused'
          : `Refreshes every ${REFRESH_MS / 1000} s`}{' '}
        · updated {at}
        <span aria-hidden="true">{isFetching ? ' · refreshing…' : ''}</span>
      </span>
      <button type="button" className="button small" onClick={togglePaused}>
        {paused ? 'Resume refresh' : 'Pause refresh'}
      </button>
      <span role="status" className="refresh-alert">
        {staleAfterFailure
          ? `Refresh failed; showing data from ${at}. Retrying by itself.`
          : ''}
      </span>
    </div>
  );
}
