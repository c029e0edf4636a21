import type { Fragment } from 'postgres';

import type { Sql } from '../../db/client';

/** Every condition; none is `true`. */
export function allOf(sql: Sql, conditions: readonly Fragment[]): Fragment {
  const [first, ...rest] = conditions;
  if (first === undefined) return sql`true`;
  return rest.reduce((joined, next) => sql`${joined} and ${next}`, first);
}

/** At least one condition; none is `false`. */
export function anyOf(sql: Sql, conditions: readonly Fragment[]): Fragment {
  const [first, ...rest] = conditions;
  if (first === undefined) return sql`false`;
  return sql`(${rest.reduce((joined, next) => sql`${joined} or ${next}`, first)})`;
}

/** `column` in [from, to), each bound optional. */
export function within(
  sql: Sql,
  column: string,
  range: { from?: string; to?: string },
): Fragment[] {
  const conditions: Fragment[] = [];
  if (range.from !== undefined)
    conditions.push(sql`${sql(column)} >= ${range.from}::text::timestamptz`);
  if (range.to !== undefined)
    conditions.push(sql`${sql(column)} < ${range.to}::text::timestamptz`);
  return conditions;
}

/** `column = value` when a value is given: the optional equality filters. */
export function equalTo(
  sql: Sql,
  column: string,
  value: string | undefined,
): Fragment[] {
  return value === undefined ? [] : [sql`${sql(column)} = ${value}`];
}

export const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
