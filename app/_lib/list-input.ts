'use client';

import { useTenantParam, type UrlState } from './url-state';
import { isWindowKey, windowStart } from './windows';

/** The page size of every list: a laptop screen and a bit of scrolling. */
export const PAGE_SIZE = 50;

/**
 * The parts of a list's input every list shares: tenant, search, window,
 * cursor, size and order, read from the URL. Values the server would refuse are
 * dropped here, so a hand-edited link still shows something sensible.
 */
export function useCommonListInput(url: UrlState) {
  const tenantId = useTenantParam();
  const span = url.get('window');
  const search = url.get('q');
  return {
    tenantId,
    search: search !== undefined && search.length <= 256 ? search : undefined,
    from: isWindowKey(span) ? windowStart(span) : undefined,
    cursor: url.get('cursor'),
    limit: PAGE_SIZE,
    order: url.get('sort') === 'oldest' ? ('asc' as const) : ('desc' as const),
  };
}

/** Whether the page shows fewer rows than it could because of a filter. */
export function isFiltered(url: UrlState, names: readonly string[]): boolean {
  return names.some((name) => url.get(name) !== undefined);
}
