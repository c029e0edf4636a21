const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path segment can be a row id at all, before asking the server. */
export function isRowId(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}
