'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { AnomalyActions } from '../../_components/anomaly-actions';
import type { Column } from '../../_components/data-table';
import {
  FilterBar,
  type FilterField,
  windowField,
} from '../../_components/filter-bar';
import { ListView } from '../../_components/list-view';
import { PageHeader } from '../../_components/page-header';
import { ShortId } from '../../_components/short-id';
import {
  AnomalyKindText,
  AnomalyStatusBadge,
} from '../../_components/status-badges';
import { StatusTabs } from '../../_components/status-tabs';
import { TimeText } from '../../_components/time-text';
import type { AnomalyRow } from '../../_lib/api-types';
import { isFiltered, useCommonListInput } from '../../_lib/list-input';
import { useRefresh } from '../../_lib/refresh';
import { useSession } from '../../_lib/session';
import { useTRPC } from '../../_lib/trpc';
import { useHrefWithShared, useUrlState } from '../../_lib/url-state';
import {
  ANOMALY_KINDS,
  ANOMALY_STATUSES,
  isKeyOf,
  keysOf,
} from '../../_lib/vocabulary';

const FIELDS: readonly FilterField[] = [
  {
    kind: 'text',
    name: 'q',
    label: 'Search',
    placeholder: 'md5, transaction hash, anomaly, event or delivery id',
    hint: 'Exact values only.',
    wide: true,
  },
  {
    kind: 'select',
    name: 'kind',
    label: 'Kind',
    anyLabel: 'Any kind',
    options: keysOf(ANOMALY_KINDS).map((value) => ({
      value,
      label: ANOMALY_KINDS[value].label,
    })),
  },
  windowField('Opened'),
];

const TABS = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
] as const;

const ABOUT =
  'What a person must look at. Acknowledge one to say you are on it; resolve it ' +
  'with a note saying what was done.';

export default function AnomaliesPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { interval } = useRefresh();
  const { canAct } = useSession();
  const withShared = useHrefWithShared();
  const common = useCommonListInput(url);
  // The queue opens on what nobody has picked up yet.
  const status = url.get('status') ?? 'open';
  const kind = url.get('kind');
  const list = useQuery({
    ...trpc.anomalies.list.queryOptions({
      ...common,
      status: isKeyOf(ANOMALY_STATUSES, status) ? status : undefined,
      kind: isKeyOf(ANOMALY_KINDS, kind) ? kind : undefined,
    }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  const columns: Column<AnomalyRow>[] = [
    {
      header: 'Opened',
      time: true,
      cell: (row) => (
        <Link href={withShared(`/anomalies/${row.id}`)}>
          <TimeText value={row.openedAt} />
        </Link>
      ),
    },
    { header: 'Kind', cell: (row) => <AnomalyKindText kind={row.kind} /> },
    {
      header: 'Status',
      cell: (row) => <AnomalyStatusBadge status={row.status} />,
    },
    {
      header: 'Tenant',
      cell: (row) => row.tenantId ?? <span className="muted">unknown</span>,
    },
    { header: 'Subject', cell: (row) => <ShortId value={row.subject} /> },
    { header: 'Seen', className: 'num', cell: (row) => `${row.occurrences}×` },
    {
      header: 'Who',
      cell: (row) =>
        row.resolvedBy ??
        row.acknowledgedBy ?? <span className="muted">nobody yet</span>,
    },
    {
      header: 'Links',
      cell: (row) => (
        <span className="link-list">
          {row.eventId ? (
            <Link href={withShared(`/events/${row.eventId}`)}>Event</Link>
          ) : null}
          {row.deliveryId ? (
            <Link href={withShared(`/deliveries/${row.deliveryId}`)}>
              Delivery
            </Link>
          ) : null}
        </span>
      ),
    },
    ...(canAct
      ? [
          {
            header: 'Actions',
            cell: (row: AnomalyRow) => <AnomalyActions anomaly={row} small />,
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title="Anomalies" about={ABOUT} />
      <StatusTabs
        url={url}
        name="status"
        tabs={TABS}
        fallback="open"
        label="Anomaly status"
      />
      <FilterBar url={url} fields={FIELDS} label="Filter anomalies" />
      <details className="legend">
        <summary>What each kind means and what to do</summary>
        <dl>
          {keysOf(ANOMALY_KINDS).map((key) => (
            <div key={key}>
              <dt>{ANOMALY_KINDS[key].label}</dt>
              <dd>{ANOMALY_KINDS[key].meaning}</dd>
            </div>
          ))}
        </dl>
      </details>
      <ListView
        what="anomalies"
        query={list}
        url={url}
        columns={columns}
        rowKey={(row) => row.id}
        empty={
          status === 'open' && !isFiltered(url, ['q', 'kind', 'window']) ? (
            <p>Nothing open: no anomaly is waiting for a person. Well done.</p>
          ) : (
            <p>
              No anomalies match these filters. Try the All tab or clear the
              filters.
            </p>
          )
        }
      />
    </>
  );
}
