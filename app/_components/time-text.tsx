'use client';

import { formatInstant, type TimeStyle, useTimeZone } from '../_lib/time-zone';

/** An instant in the viewer's chosen zone; hovering shows it in UTC. */
export function TimeText({
  value,
  style = 'full',
}: {
  value: string | null | undefined;
  style?: TimeStyle;
}) {
  const { zone } = useTimeZone();
  if (value === null || value === undefined)
    return <span className="muted">—</span>;
  const date = new Date(value);
  const utc = Number.isNaN(date.getTime()) ? value : date.toISOString();
  return (
    <time dateTime={utc} title={`${utc} (UTC)`}>
      {formatInstant(value, zone, style)}
    </time>
  );
}
