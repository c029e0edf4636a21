'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import type { Column } from '../../_components/data-table';
import {
  FilterBar,
  type FilterField,
  windowField,
} from '../../_components/filter-bar';
import { ListView } from '../../_components/list-view';
import { PageHeader } from '../../_components/page-header';
import { ShortId } from '../../_components/short-id';
import { OutcomeBadge } from '../../_components/status-badges';
import { TimeText } from '../../_components/time-text';
import type { DeliveryRow } from '../../_lib/api-types';
import { isFiltered, useCommonListInput } from '../../_lib/list-input';
import { useRefresh } from '../../_lib/refresh';
import { useTRPC } from '../../_lib/trpc';
import { useHrefWithShared, useUrlState } from '../../_lib/url-state';
import { isKeyOf, keysOf, OUTCOMES } from '../../_lib/vocabulary';

const FIELDS: readonly FilterField[] = [
  {
    kind: 'text',
    name: 'q',
    label: 'Search',
    placeholder: 'md5, transaction hash, message or delivery id',
    hint: 'Exact values: a whole md5 or hash, not a part of one.',
    wide: true,
  },
  {
    kind: 'select',
    name: 'outcome',
    label: 'Outcome',
    anyLabel: 'Any outcome',
    options: keysOf(OUTCOMES).map((value) => ({
      value,
      label: OUTCOMES[value].label,
    })),
  },
  {
    kind: 'text',
    name: 'reason',
    label: 'Reason',
    placeholder: 'e.g. signature_mismatch',
  },
  windowField('Received'),
];

const ABOUT =
  'Every webhook request the gateway received, whatever became of it. Open one to ' +
  'see its headers, body and verification.';

export default function DeliveriesPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { interval } = useRefresh();
  const withShared = useHrefWithShared();
  const common = useCommonListInput(url);
  const outcome = url.get('outcome');
  const list = useQuery({
    ...trpc.deliveries.list.queryOptions({
      ...common,
      outcome: isKeyOf(OUTCOMES, outcome) ? outcome : undefined,
      reason: url.get('reason')?.slice(0, 64),
    }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  const columns: Column<DeliveryRow>[] = [
    {
      header: 'Received',
      time: true,
      cell: (row) => (
        <Link href={withShared(`/deliveries/${row.id}`)}>
          <TimeText value={row.receivedAt} />
        </Link>
      ),
    },
    {
      header: 'Outcome',
      cell: (row) => <OutcomeBadge outcome={row.outcome} />,
    },
    {
      header: 'Reason',
      cell: (row) =>
        row.reason ? (
          <code>{row.reason}</code>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { header: 'md5', cell: (row) => <ShortId value={row.md5} /> },
    {
      header: 'Tenant',
      cell: (row) =>
        row.tenantId ?? (
          <span className="muted">{row.eventId ? 'not yet known' : '—'}</span>
        ),
    },
    {
      header: 'Message id',
      cell: (row) => <ShortId value={row.messageId} keep={12} />,
    },
    { header: 'HTTP', cell: (row) => row.statusCode, className: 'num' },
    {
      header: 'Event',
      cell: (row) =>
        row.eventId ? (
          <Link href={withShared(`/events/${row.eventId}`)}>Event</Link>
        ) : (
          <span className="muted">none</span>
        ),
    },
  ];

  const filtered = isFiltered(url, ['q', 'outcome', 'reason', 'window']);
  return (
    <>
      <PageHeader title="Deliveries" about={ABOUT} />
      <FilterBar url={url} fields={FIELDS} label="Filter deliveries" />
      <ListView
        what="deliveries"
        query={list}
        url={url}
        columns={columns}
        rowKey={(row) => row.id}
        empty={
          filtered ? (
            <p>
              No deliveries match these filters. Search takes whole values only
              (a full md5, hash or id). Widen the time window or clear the
              filters.
            </p>
          ) : (
            <p>
              No deliveries yet. Webhooks appear here within seconds of
              arriving; if payments are being made, check the provider is
              sending to this gateway.
            </p>
          )
        }
      />
    </>
  );
}
