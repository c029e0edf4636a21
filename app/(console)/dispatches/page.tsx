'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { RetryDispatchAction } from '../../_components/actions';
import type { Column } from '../../_components/data-table';
import {
  FilterBar,
  type FilterField,
  windowField,
} from '../../_components/filter-bar';
import { ListView } from '../../_components/list-view';
import { PageHeader } from '../../_components/page-header';
import { ShortId } from '../../_components/short-id';
import { DispatchBadge } from '../../_components/status-badges';
import { TimeText } from '../../_components/time-text';
import type { DispatchRow } from '../../_lib/api-types';
import { isFiltered, useCommonListInput } from '../../_lib/list-input';
import { useRefresh } from '../../_lib/refresh';
import { useSession } from '../../_lib/session';
import { useTRPC } from '../../_lib/trpc';
import { useHrefWithShared, useUrlState } from '../../_lib/url-state';
import { DISPATCH_STATUSES, isKeyOf, keysOf } from '../../_lib/vocabulary';

const FIELDS: readonly FilterField[] = [
  {
    kind: 'text',
    name: 'q',
    label: 'Search',
    placeholder: 'dispatch or event id, md5, transaction hash',
    hint: 'Exact values only.',
    wide: true,
  },
  {
    kind: 'select',
    name: 'status',
    label: 'Status',
    anyLabel: 'Any status',
    options: keysOf(DISPATCH_STATUSES).map((value) => ({
      value,
      label: DISPATCH_STATUSES[value].label,
    })),
  },
  {
    kind: 'text',
    name: 'handler',
    label: 'Handler',
    placeholder: 'e.g. sale-khqr-confirmation',
  },
  windowField('Created'),
];

const ABOUT =
  "Each handler's run for a payment. Failed runs retry by themselves; dead ones " +
  'gave up and wait for a person.';

export default function DispatchesPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { interval } = useRefresh();
  const { canAct } = useSession();
  const withShared = useHrefWithShared();
  const common = useCommonListInput(url);
  const status = url.get('status');
  const list = useQuery({
    ...trpc.dispatches.list.queryOptions({
      ...common,
      status: isKeyOf(DISPATCH_STATUSES, status) ? status : undefined,
      handler: url.get('handler')?.slice(0, 128),
    }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  const columns: Column<DispatchRow>[] = [
    {
      header: 'Created',
      time: true,
      cell: (row) => <TimeText value={row.createdAt} />,
    },
    { header: 'Status', cell: (row) => <DispatchBadge status={row.status} /> },
    { header: 'Handler', cell: (row) => <code>{row.handler}</code> },
    {
      header: 'Runs',
      className: 'num',
      cell: (row) => `${row.attempts} of ${row.maxAttempts}`,
    },
    {
      header: 'Last error',
      className: 'clip',
      cell: (row) =>
        row.lastError ? (
          <span title={row.lastError}>{row.lastError}</span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { header: 'Tenant', cell: (row) => row.tenantId },
    { header: 'md5', cell: (row) => <ShortId value={row.md5} /> },
    {
      header: 'Event',
      cell: (row) => (
        <Link href={withShared(`/events/${row.eventId}`)}>Event</Link>
      ),
    },
    ...(canAct
      ? [
          {
            header: 'Action',
            cell: (row: DispatchRow) => <RetryDispatchAction dispatch={row} />,
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title="Dispatches" about={ABOUT} />
      <FilterBar url={url} fields={FIELDS} label="Filter dispatches" />
      <ListView
        what="dispatches"
        query={list}
        url={url}
        columns={columns}
        rowKey={(row) => row.id}
        rowClassName={(row) =>
          row.status === 'dead' || row.status === 'failed'
            ? 'row-alert'
            : undefined
        }
        empty={
          isFiltered(url, ['q', 'status', 'handler', 'window']) ? (
            <p>
              No dispatches match these filters.
              {url.get('status') === 'dead'
                ? ' Nothing is dead: no handler has given up.'
                : ''}
            </p>
          ) : (
            <p>
              No dispatches yet. A payment whose QR is registered gets one per
              handler that owns it.
            </p>
          )
        }
      />
    </>
  );
}
