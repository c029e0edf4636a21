import type { Sql } from '../../db/client';
import { operatorColumns, type OperatorView } from '../auth/operator-view';
import { allOf } from './conditions';
import { escapeLike } from './escape-like';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';

/** Operators, newest first. */
export async function listOperators(
  sql: Sql,
  filters: { disabled?: boolean; search?: string },
  page: PageRequest,
): Promise<Page<OperatorView>> {
  const conditions = [
    ...(filters.disabled === undefined
      ? []
      : [sql`o.disabled = ${filters.disabled}`]),
    ...(filters.search === undefined
      ? []
      : [
          sql`o.username like ${`%${escapeLike(filters.search.toLowerCase())}%`}`,
        ]),
    ...afterCursor(sql, page, 'o.created_at', 'o.id'),
  ];
  const rows = await sql<OperatorView[]>`
    select ${operatorColumns(sql)}
    from operators o
    where ${allOf(sql, conditions)}
    ${pageOrder(sql, page, 'o.created_at', 'o.id')}
    limit ${page.limit + 1}
  `;
  return toPage(rows, page.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
