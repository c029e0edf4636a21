'use client';

import Link from 'next/link';

import type { EventDetail } from '../_lib/api-types';
import { formatValue } from '../_lib/format-json';
import { useHrefWithShared } from '../_lib/url-state';
import { meaningOf, DISPATCH_STATUSES } from '../_lib/vocabulary';
import { RetryDispatchAction } from './actions';
import { DispatchBadge } from './status-badges';
import { TimeText } from './time-text';

type Dispatch = EventDetail['dispatches'][number];

/** What the handler decided, in a line: `{"result":"confirmed"}` is "confirmed". */
function outcomeLine(outcome: unknown): string | null {
  if (outcome === null || outcome === undefined) return null;
  if (typeof outcome === 'object' && 'result' in outcome) {
    const { result } = outcome as { result: unknown };
    if (typeof result === 'string') return result.replace(/_/g, ' ');
  }
  return formatValue(outcome);
}

/** Each handler's run for the event, as a timeline from queued to finished. */
export function DispatchTimeline({
  dispatches,
}: {
  dispatches: readonly Dispatch[];
}) {
  const withShared = useHrefWithShared();
  if (dispatches.length === 0) {
    return (
      <p className="muted">
        No dispatches. A payment is handed to its handlers once its QR is
        registered.
      </p>
    );
  }
  return (
    <ol className="timeline">
      {dispatches.map((dispatch) => {
        const result = outcomeLine(dispatch.outcome);
        return (
          <li
            key={dispatch.id}
            className={`timeline-item status-${dispatch.status}`}
          >
            <div className="timeline-head">
              <code>{dispatch.handler}</code>{' '}
              <DispatchBadge status={dispatch.status} />
              <span className="muted small">
                {' '}
                run {dispatch.attempts} of {dispatch.maxAttempts}
              </span>
              <RetryDispatchAction dispatch={dispatch} />
            </div>
            <p className="small muted">
              {meaningOf(DISPATCH_STATUSES, dispatch.status)}
            </p>
            <ul className="steps">
              <li>
                Queued <TimeText value={dispatch.createdAt} />
              </li>
              {dispatch.startedAt ? (
                <li>
                  Last started <TimeText value={dispatch.startedAt} />
                </li>
              ) : null}
              {dispatch.finishedAt ? (
                <li>
                  Finished <TimeText value={dispatch.finishedAt} />
                </li>
              ) : null}
              {result ? <li>Handler decided: {result}</li> : null}
            </ul>
            {dispatch.lastError ? (
              <p className="error-text">
                <strong>Last error:</strong> {dispatch.lastError}
              </p>
            ) : null}
            <Link href={withShared(`/dispatches?q=${dispatch.id}`)}>
              Dispatch {dispatch.id.slice(0, 8)} in the dispatch list
            </Link>
          </li>
        );
      })}
    </ol>
  );
}
