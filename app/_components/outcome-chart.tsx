'use client';

import type { Overview } from '../_lib/api-types';
import { formatInstant, useTimeZone } from '../_lib/time-zone';
import { keysOf, OUTCOMES, type DeliveryOutcome } from '../_lib/vocabulary';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { top: 10, right: 8, bottom: 24, left: 36 };

/** Stacked bottom-up in this order, so problems sit on top where they show. */
const STACK = keysOf(OUTCOMES);

/** `1800` as `30 minutes`, `3600` as `hour`, `10800` as `3 hours`. */
function describeBucket(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? 'minute' : `${minutes} minutes`;
  const hours = minutes / 60;
  if (hours < 24) return hours === 1 ? 'hour' : `${hours} hours`;
  const days = hours / 24;
  return days === 1 ? 'day' : `${days} days`;
}

/** A round top for the axis: 1, 2, 5, 10, 20, 50… */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/**
 * Deliveries by outcome per time bucket as stacked bars. The picture is for
 * a glance; the same numbers are in a table below it for screen readers and
 * for anyone who wants the exact counts.
 */
export function OutcomeChart({ overview }: { overview: Overview }) {
  const { zone } = useTimeZone();
  const { series, window: range } = overview;
  const max = niceMax(Math.max(0, ...series.map((bar) => bar.total)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = series.length > 0 ? plotW / series.length : plotW;
  const barW = Math.max(1, slot * 0.8);
  const y = (count: number) => PAD.top + plotH - (count / max) * plotH;
  // Past a day, a bar's hour alone would be ambiguous: add the date.
  const windowSeconds = range.bucketSeconds * series.length;
  const style = windowSeconds > 86_400 ? 'short' : 'clock';
  const label = (iso: string) => formatInstant(iso, zone, style);
  const ticks = series.filter(
    (_, i) => i % Math.max(1, Math.ceil(series.length / 6)) === 0,
  );
  const total = overview.deliveries.total;
  const bucket = describeBucket(range.bucketSeconds);
  // Counts are whole: a half-way line only when it falls on a whole number.
  const gridLines = max % 2 === 0 ? [0, max / 2, max] : [0, max];

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={
          `Deliveries by outcome per ${bucket}: ${total} in the window. ` +
          'Exact counts are in the table below.'
        }
        preserveAspectRatio="none"
      >
        {gridLines.map((tick) => (
          <g key={tick}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(tick)}
              y2={y(tick)}
              className="grid-line"
            />
            <text
              x={PAD.left - 4}
              y={y(tick) + 4}
              textAnchor="end"
              className="axis-text"
            >
              {tick}
            </text>
          </g>
        ))}
        {series.map((bar, i) => {
          let base = 0;
          return (
            <g key={bar.at}>
              <title>{`${label(bar.at)}: ${bar.total} deliveries`}</title>
              {STACK.map((outcome) => {
                const count = bar[outcome];
                if (count === 0) return null;
                const top = y(base + count);
                const height = y(base) - top;
                base += count;
                return (
                  <rect
                    key={outcome}
                    x={PAD.left + i * slot + (slot - barW) / 2}
                    y={top}
                    width={barW}
                    height={Math.max(height, 1)}
                    className={`bar-${outcome}`}
                  />
                );
              })}
            </g>
          );
        })}
        {ticks.map((bar) => {
          const i = series.indexOf(bar);
          return (
            <text
              key={bar.at}
              x={PAD.left + i * slot + slot / 2}
              y={HEIGHT - 6}
              textAnchor="middle"
              className="axis-text"
            >
              {label(bar.at)}
            </text>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend-row">
          {STACK.map((outcome) => (
            <li key={outcome}>
              <span className={`swatch bar-${outcome}`} aria-hidden="true" />
              {OUTCOMES[outcome].label}
            </li>
          ))}
          <li className="muted small">One bar per {bucket}.</li>
        </ul>
        <details>
          <summary>Show the counts as a table</summary>
          <SeriesTable series={series} label={label} />
        </details>
      </figcaption>
    </figure>
  );
}

function SeriesTable({
  series,
  label,
}: {
  series: Overview['series'];
  label: (iso: string) => string;
}) {
  const outcomes: DeliveryOutcome[] = STACK;
  return (
    <div className="table-wrap small-table">
      <table className="data-table compact">
        <caption className="sr-only">
          Deliveries by outcome per time bucket
        </caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            {outcomes.map((outcome) => (
              <th key={outcome} scope="col" className="num">
                {OUTCOMES[outcome].label}
              </th>
            ))}
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {series.map((bar) => (
            <tr key={bar.at}>
              <th scope="row">{label(bar.at)}</th>
              {outcomes.map((outcome) => (
                <td key={outcome} className="num">
                  {bar[outcome]}
                </td>
              ))}
              <td className="num">{bar.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
