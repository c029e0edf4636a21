/** A status in words with a colour that repeats them; never colour alone. */
export function Badge({
  tone,
  label,
  title,
}: {
  tone: string;
  label: string;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {label}
    </span>
  );
}
