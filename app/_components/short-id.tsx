/**
 * A long id or hash shortened on screen; the full value stays in the title
 * and for screen readers and find-in-page, so nothing is lost by the cut.
 */
export function ShortId({
  value,
  keep = 8,
}: {
  value: string | null;
  keep?: number;
}) {
  if (value === null) return <span className="muted">—</span>;
  if (value.length <= keep + 4) return <code className="id">{value}</code>;
  return (
    <code className="id" title={value}>
      <span aria-hidden="true">
        {value.slice(0, keep)}…{value.slice(-4)}
      </span>
      <span className="sr-only">{value}</span>
    </code>
  );
}
