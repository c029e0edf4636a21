import type { Sql } from '../../db/client';
import { tokenColumns, type TokenView } from '../auth/token-view';
import { allOf } from './conditions';
import { escapeLike } from './escape-like';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';

/** API tokens, newest first; `revoked` keeps only revoked or only live ones. */
export async function listTokens(
  sql: Sql,
  filters: { revoked?: boolean; search?: string },
  page: PageRequest,
): Promise<Page<TokenView>> {
  const revoked =
    filters.revoked === undefined
      ? []
      : [
          filters.revoked
            ? sql`t.revoked_at is not null`
            : sql`t.revoked_at is null`,
        ];
  const search =
    filters.search === undefined
      ? []
      : [
          sql`(t.name ilike ${`%${escapeLike(filters.search)}%`}
               or t.prefix = ${filters.search})`,
        ];
  const after = afterCursor(sql, page, 't.created_at', 't.id');
  const rows = await sql<TokenView[]>`
    select ${tokenColumns(sql)}
    from api_tokens t
    where ${allOf(sql, [...revoked, ...search, ...after])}
    ${pageOrder(sql, page, 't.created_at', 't.id')}
    limit ${page.limit + 1}
  `;
  return toPage(rows, page.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
