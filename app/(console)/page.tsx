'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useId } from 'react';

import { FlowStatus } from '../_components/flow-status';
import { OutcomeChart } from '../_components/outcome-chart';
import { PageHeader } from '../_components/page-header';
import { ErrorNotice, Loading } from '../_components/query-states';
import { RefreshStatus } from '../_components/refresh-status';
import type { Overview } from '../_lib/api-types';
import { useRefresh } from '../_lib/refresh';
import { useTRPC } from '../_lib/trpc';
import {
  useHrefWithShared,
  useTenantParam,
  useUrlState,
} from '../_lib/url-state';
import {
  ANOMALY_KINDS,
  DISPATCH_STATUSES,
  keysOf,
  labelOf,
  meaningOf,
  OUTCOMES,
} from '../_lib/vocabulary';
import {
  COUNT_CAP,
  type Counted,
  showCount,
  useNeedsAttention,
} from '../_lib/use-needs-attention';
import {
  isWindowKey,
  WINDOWS,
  type WindowKey,
  windowStart,
} from '../_lib/windows';

function sum(a: Counted, b: Counted): Counted {
  return { count: a.count + b.count, capped: a.capped || b.capped };
}

const DEFAULT_WINDOW: WindowKey = '24h';

export default function OverviewPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const tenantId = useTenantParam();
  const { interval } = useRefresh();
  const selectId = useId();
  const given = url.get('window');
  const span: WindowKey = isWindowKey(given) ? given : DEFAULT_WINDOW;
  const overview = useQuery({
    ...trpc.stats.overview.queryOptions({ from: windowStart(span), tenantId }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title="Overview"
        about="Whether payments are flowing, and what needs a person."
      >
        <div className="picker">
          <label htmlFor={selectId}>Window</label>
          <select
            id={selectId}
            value={span}
            onChange={(event) =>
              url.set({
                window:
                  event.target.value === DEFAULT_WINDOW
                    ? undefined
                    : event.target.value,
              })
            }
          >
            {Object.entries(WINDOWS).map(([key, option]) => (
              <option key={key} value={key}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </PageHeader>
      <FlowStatus />
      <RefreshStatus query={overview} />
      {overview.data === undefined ? (
        overview.isError ? (
          <ErrorNotice
            error={overview.error}
            what="the overview"
            onRetry={() => void overview.refetch()}
          />
        ) : (
          <Loading what="the overview" />
        )
      ) : (
        <OverviewBody overview={overview.data} span={span} />
      )}
    </>
  );
}

function OverviewBody({
  overview,
  span,
}: {
  overview: Overview;
  span: WindowKey;
}) {
  const withShared = useHrefWithShared();
  const inWindow = (path: string) => withShared(`${path}&window=${span}`);
  const now = useNeedsAttention(useTenantParam());
  const { dead, failed } = now;

  return (
    <>
      <div className="cards">
        <section className="card" aria-labelledby="card-deliveries">
          <h2 id="card-deliveries">Deliveries</h2>
          <p className="big">{overview.deliveries.total}</p>
          <ul className="counts">
            {keysOf(OUTCOMES).map((outcome) => (
              <li key={outcome} title={OUTCOMES[outcome].meaning}>
                <Link href={inWindow(`/deliveries?outcome=${outcome}`)}>
                  <span
                    className={`swatch bar-${outcome}`}
                    aria-hidden="true"
                  />
                  {OUTCOMES[outcome].label}
                </Link>
                <span className="count">
                  {overview.deliveries.byOutcome[outcome]}
                </span>
              </li>
            ))}
          </ul>
        </section>

        <section
          className={`card${dead.count + failed.count > 0 ? ' card-alert' : ''}`}
          aria-labelledby="card-dispatches"
        >
          <h2 id="card-dispatches">Dispatches failing or dead now</h2>
          <p className="big">
            {now.loaded ? showCount(sum(dead, failed)) : '…'}
          </p>
          <ul className="counts">
            <li title={meaningOf(DISPATCH_STATUSES, 'dead')}>
              <Link href={withShared('/dispatches?status=dead')}>Dead</Link>
              <span className="count">{showCount(dead)}</span>
            </li>
            <li title={meaningOf(DISPATCH_STATUSES, 'failed')}>
              <Link href={withShared('/dispatches?status=failed')}>
                Failing, retrying
              </Link>
              <span className="count">{showCount(failed)}</span>
            </li>
          </ul>
          {dead.count > 0 ? (
            <p className="small">
              Dead ones gave up: fix the cause, then retry them.
            </p>
          ) : null}
          <p className="muted small">Made in the window:</p>
          <ul className="counts small">
            {(['succeeded', 'pending', 'running'] as const).map((status) => (
              <li key={status} title={meaningOf(DISPATCH_STATUSES, status)}>
                <Link href={inWindow(`/dispatches?status=${status}`)}>
                  {labelOf(DISPATCH_STATUSES, status)}
                </Link>
                <span className="count">
                  {overview.dispatches.byStatus[status]}
                </span>
              </li>
            ))}
          </ul>
        </section>

        <section
          className={`card${now.open.count > 0 ? ' card-alert' : ''}`}
          aria-labelledby="card-anomalies"
        >
          <h2 id="card-anomalies">Open anomalies now</h2>
          <p className="big">{now.loaded ? showCount(now.open) : '…'}</p>
          {now.loaded && now.openByKind.length === 0 ? (
            <p className="muted small">None: nothing waits for a person.</p>
          ) : (
            <ul className="counts">
              {now.openByKind.map(([kind, count]) => (
                <li key={kind} title={meaningOf(ANOMALY_KINDS, kind)}>
                  <Link href={withShared(`/anomalies?kind=${kind}`)}>
                    {labelOf(ANOMALY_KINDS, kind)}
                  </Link>
                  <span className="count">{count}</span>
                </li>
              ))}
            </ul>
          )}
          {now.open.capped ? (
            <p className="muted small">
              Kinds are counted among the newest {COUNT_CAP}.
            </p>
          ) : null}
          <p className="small">
            <Link href={withShared('/anomalies')}>The open queue</Link> ·{' '}
            {overview.anomalies.total} opened in the window
          </p>
        </section>

        <section className="card" aria-labelledby="card-events">
          <h2 id="card-events">Payments</h2>
          <p className="big">{overview.events.total}</p>
          <ul className="counts">
            <li>
              <Link href={inWindow('/events?resolved=yes')}>
                Matched to a QR
              </Link>
              <span className="count">{overview.events.resolved}</span>
            </li>
            <li title="Paid, but no till registered the QR yet: the payment waits.">
              <Link href={inWindow('/events?resolved=no')}>
                Waiting for their QR
              </Link>
              <span className="count">{overview.events.unresolved}</span>
            </li>
          </ul>
        </section>
      </div>
      <p className="muted small">
        Deliveries and payments count what arrived in the window (
        {WINDOWS[span].label.toLowerCase()}); what is dead, failing or open is
        counted whatever its age.
      </p>

      <section className="panel" aria-labelledby="chart-title">
        <div className="panel-head">
          <h2 id="chart-title">Deliveries over time</h2>
        </div>
        <OutcomeChart overview={overview} />
      </section>
    </>
  );
}
