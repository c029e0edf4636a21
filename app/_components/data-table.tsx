'use client';

import type { ReactNode } from 'react';

export type Column<T> = {
  /** The header, as a screen reader announces it for each cell. */
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
  /** The time column: its header toggles newest or oldest first. */
  time?: boolean;
};

export type SortOrder = 'newest' | 'oldest';

const ARIA_SORT = { newest: 'descending', oldest: 'ascending' } as const;

/**
 * A table with a caption for screen readers, one header row, and a time
 * column whose header button flips the order of the rows shown.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  rowClassName,
}: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  sort: SortOrder;
  onSort: (order: SortOrder) => void;
  rowClassName?: (row: T) => string | undefined;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th
                key={column.header}
                scope="col"
                className={column.className}
                aria-sort={column.time ? ARIA_SORT[sort] : undefined}
              >
                {column.time ? (
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() =>
                      onSort(sort === 'newest' ? 'oldest' : 'newest')
                    }
                  >
                    {column.header}
                    <span aria-hidden="true">
                      {sort === 'newest' ? ' ↓' : ' ↑'}
                    </span>
                    <span className="sr-only">
                      , {sort === 'newest' ? 'newest first' : 'oldest first'};
                      press to reverse
                    </span>
                  </button>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)}>
              {columns.map((column) => (
                <td key={column.header} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
