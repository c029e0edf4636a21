/** What every ingest stage returns: a value, or one reason from a closed set. */
export type Result<T, R extends string> =
  { ok: true; value: T } | { ok: false; reason: R; detail?: string };

export const ok = <T>(value: T) => ({ ok: true, value }) as const;

export const fail = <R extends string>(reason: R, detail?: string) =>
  ({ ok: false, reason, detail }) as const;
