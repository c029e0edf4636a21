'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { AmountText } from '../../_components/amount-text';
import type { Column } from '../../_components/data-table';
import {
  FilterBar,
  type FilterField,
  windowField,
} from '../../_components/filter-bar';
import { ListView } from '../../_components/list-view';
import { PageHeader } from '../../_components/page-header';
import { ShortId } from '../../_components/short-id';
import { ResolvedBadge } from '../../_components/status-badges';
import { TimeText } from '../../_components/time-text';
import type { EventRow } from '../../_lib/api-types';
import { isFiltered, useCommonListInput } from '../../_lib/list-input';
import { useRefresh } from '../../_lib/refresh';
import { useTRPC } from '../../_lib/trpc';
import { useHrefWithShared, useUrlState } from '../../_lib/url-state';

const FIELDS: readonly FilterField[] = [
  {
    kind: 'text',
    name: 'q',
    label: 'Search',
    placeholder: 'md5, transaction hash, event or message id',
    hint: 'Exact values only.',
    wide: true,
  },
  {
    kind: 'select',
    name: 'resolved',
    label: 'Tenant known',
    anyLabel: 'Either',
    options: [
      { value: 'yes', label: 'Yes: QR registered' },
      { value: 'no', label: 'No: waiting for its QR' },
    ],
  },
  windowField('First stored'),
];

const ABOUT =
  'One row per payment, however many times the provider delivered it. Open one for ' +
  'its deliveries, handler runs and anomalies.';

export default function EventsPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { interval } = useRefresh();
  const withShared = useHrefWithShared();
  const common = useCommonListInput(url);
  const resolved = url.get('resolved');
  const list = useQuery({
    ...trpc.events.list.queryOptions({
      ...common,
      resolved:
        resolved === 'yes' ? true : resolved === 'no' ? false : undefined,
    }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  const columns: Column<EventRow>[] = [
    {
      header: 'First stored',
      time: true,
      cell: (row) => (
        <Link href={withShared(`/events/${row.id}`)}>
          <TimeText value={row.createdAt} />
        </Link>
      ),
    },
    {
      header: 'Amount',
      cell: (row) => <AmountText amount={row.amount} currency={row.currency} />,
    },
    { header: 'md5', cell: (row) => <ShortId value={row.md5} /> },
    { header: 'Transaction hash', cell: (row) => <ShortId value={row.hash} /> },
    {
      header: 'Tenant',
      cell: (row) => row.tenantId ?? <span className="muted">—</span>,
    },
    {
      header: 'Branch',
      cell: (row) => row.branchId ?? <span className="muted">—</span>,
    },
    {
      header: 'Status',
      cell: (row) => <ResolvedBadge tenantId={row.tenantId} />,
    },
    { header: 'Paid at', cell: (row) => <TimeText value={row.occurredAt} /> },
  ];

  return (
    <>
      <PageHeader title="Events" about={ABOUT} />
      <FilterBar url={url} fields={FIELDS} label="Filter events" />
      <ListView
        what="events"
        query={list}
        url={url}
        columns={columns}
        rowKey={(row) => row.id}
        empty={
          isFiltered(url, ['q', 'resolved', 'window']) ? (
            <p>
              No events match these filters. Widen the window or clear the
              filters.
            </p>
          ) : (
            <p>
              No payment events yet. Each accepted delivery of a new payment
              makes one.
            </p>
          )
        }
      />
    </>
  );
}
