'use client';

import { useState } from 'react';

import type { UrlState } from '../_lib/url-state';

/**
 * Keyset paging: the URL holds the cursor of the page shown, so a shared
 * link opens that page; the cursors of the newer pages walked through are
 * remembered here, so "Previous" steps back one page at a time.
 */
export function Pager({
  url,
  nextCursor,
  shown,
}: {
  url: UrlState;
  nextCursor: string | null;
  shown: number;
}) {
  const cursor = url.get('cursor');
  const [newer, setNewer] = useState<(string | undefined)[]>([]);
  const stack = cursor === undefined ? [] : newer;

  // A new page starts at its first row, unlike a refresh, which stays put.
  const go = (next: string | undefined) => {
    url.set({ cursor: next });
    window.scrollTo({ top: 0 });
  };
  const goOlder = () => {
    if (nextCursor === null) return;
    setNewer([...stack, cursor]);
    go(nextCursor);
  };
  const goNewer = () => {
    setNewer(stack.slice(0, -1));
    go(stack[stack.length - 1]);
  };
  const goNewest = () => {
    setNewer([]);
    go(undefined);
  };

  return (
    <nav className="pager" aria-label="Pages">
      <span className="muted small">
        {shown} row{shown === 1 ? '' : 's'} on this page
        {cursor === undefined ? ', the first page' : ', a later page'}
      </span>
      {cursor !== undefined ? (
        <>
          <button type="button" className="button small" onClick={goNewest}>
            ⇤ First page
          </button>
          {stack.length > 0 ? (
            <button type="button" className="button small" onClick={goNewer}>
              ← Previous
            </button>
          ) : null}
        </>
      ) : null}
      {nextCursor !== null ? (
        <button type="button" className="button small" onClick={goOlder}>
          Next →
        </button>
      ) : (
        <span className="muted small">No more rows.</span>
      )}
    </nav>
  );
}
