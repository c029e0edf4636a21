'use client';

import type { ReactNode } from 'react';

import type { UrlState } from '../_lib/url-state';
import { type Column, DataTable, type SortOrder } from './data-table';
import { Pager } from './pager';
import { Empty, ErrorNotice, Loading } from './query-states';
import { RefreshStatus } from './refresh-status';

type ListQuery<T> = {
  data?: { items: T[]; nextCursor: string | null };
  error: unknown;
  isError: boolean;
  isFetching: boolean;
  isPlaceholderData: boolean;
  dataUpdatedAt: number;
  refetch: () => unknown;
};

/**
 * One list page's body: its refresh line, then exactly one of loading,
 * error, empty or the table with its pager. While a new filter loads, the
 * previous rows stay (dimmed) instead of the page jumping to a spinner.
 */
export function ListView<T>({
  what,
  query,
  url,
  columns,
  rowKey,
  empty,
  rowClassName,
}: {
  what: string;
  query: ListQuery<T>;
  url: UrlState;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  empty: ReactNode;
  rowClassName?: (row: T) => string | undefined;
}) {
  const sort: SortOrder = url.get('sort') === 'oldest' ? 'oldest' : 'newest';
  // A cursor belongs to the order that made it: a new order starts over.
  const setSort = (order: SortOrder) =>
    url.set({ sort: order === 'oldest' ? 'oldest' : undefined });
  const { data } = query;

  let body: ReactNode;
  if (data === undefined) {
    body = query.isError ? (
      <ErrorNotice
        error={query.error}
        what={what}
        onRetry={() => void query.refetch()}
      />
    ) : (
      <Loading what={what} />
    );
  } else if (data.items.length === 0) {
    body = <Empty>{empty}</Empty>;
  } else {
    body = (
      <>
        <div className={query.isPlaceholderData ? 'loading-over' : undefined}>
          <DataTable
            caption={`${what[0]?.toUpperCase()}${what.slice(1)}`}
            columns={columns}
            rows={data.items}
            rowKey={rowKey}
            sort={sort}
            onSort={setSort}
            rowClassName={rowClassName}
          />
        </div>
        <Pager
          url={url}
          nextCursor={data.nextCursor}
          shown={data.items.length}
        />
      </>
    );
  }

  return (
    <section aria-label={what} aria-busy={query.isPlaceholderData}>
      <RefreshStatus query={query} />
      {body}
    </section>
  );
}
