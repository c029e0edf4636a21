'use client';

import type { UrlState } from '../_lib/url-state';

/**
 * Status filters as a row of links-like buttons, the common ones one press
 * away. The current one is marked with aria-current for screen readers.
 */
export function StatusTabs({
  url,
  name,
  tabs,
  fallback,
  label,
}: {
  url: UrlState;
  name: string;
  tabs: readonly { value: string; label: string }[];
  /** The tab in force when the URL names none. */
  fallback: string;
  label: string;
}) {
  const current = url.get(name) ?? fallback;
  return (
    <div className="tabs" role="group" aria-label={label}>
      {tabs.map((tab) => (
        <button
          key={tab.value}
          type="button"
          className="tab"
          aria-current={tab.value === current ? 'true' : undefined}
          onClick={() =>
            url.set({ [name]: tab.value === fallback ? undefined : tab.value })
          }
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
