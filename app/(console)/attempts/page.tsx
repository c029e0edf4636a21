'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { AmountText } from '../../_components/amount-text';
import { Badge } from '../../_components/badge';
import type { Column } from '../../_components/data-table';
import {
  FilterBar,
  type FilterField,
  windowField,
} from '../../_components/filter-bar';
import { ListView } from '../../_components/list-view';
import { PageHeader } from '../../_components/page-header';
import { ShortId } from '../../_components/short-id';
import { TimeText } from '../../_components/time-text';
import type { AttemptRow } from '../../_lib/api-types';
import { isFiltered, useCommonListInput } from '../../_lib/list-input';
import { useRefresh } from '../../_lib/refresh';
import { useTRPC } from '../../_lib/trpc';
import { useHrefWithShared, useUrlState } from '../../_lib/url-state';

const PURPOSES = {
  SALE: 'Sale',
  SUBSCRIPTION_INVOICE: 'Subscription invoice',
} as const;

const FIELDS: readonly FilterField[] = [
  {
    kind: 'text',
    name: 'q',
    label: 'Search',
    placeholder: 'md5, sale or invoice reference',
    hint: 'Exact values only.',
    wide: true,
  },
  {
    kind: 'select',
    name: 'purpose',
    label: 'Purpose',
    anyLabel: 'Any purpose',
    options: Object.entries(PURPOSES).map(([value, label]) => ({
      value,
      label,
    })),
  },
  windowField('Registered'),
];

const ABOUT =
  'The KHQR codes tills and billing registered as expected payments. A payment is ' +
  'matched to its tenant through these.';

export default function AttemptsPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { interval } = useRefresh();
  const withShared = useHrefWithShared();
  const common = useCommonListInput(url);
  const purpose = url.get('purpose');
  const list = useQuery({
    ...trpc.paymentAttempts.list.queryOptions({
      ...common,
      purpose:
        purpose === 'SALE' || purpose === 'SUBSCRIPTION_INVOICE'
          ? purpose
          : undefined,
    }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  const columns: Column<AttemptRow>[] = [
    {
      header: 'Registered',
      time: true,
      cell: (row) => <TimeText value={row.createdAt} />,
    },
    {
      header: 'md5',
      cell: (row) => (
        <Link
          href={withShared(`/deliveries?q=${row.md5}`)}
          aria-label={`Deliveries for md5 ${row.md5}`}
        >
          <ShortId value={row.md5} />
        </Link>
      ),
    },
    {
      header: 'Amount',
      cell: (row) => <AmountText amount={row.amount} currency={row.currency} />,
    },
    { header: 'Purpose', cell: (row) => PURPOSES[row.purpose] },
    { header: 'Target', cell: (row) => <code>{row.targetRef}</code> },
    { header: 'Tenant', cell: (row) => row.tenantId },
    {
      header: 'Branch',
      cell: (row) => row.branchId ?? <span className="muted">—</span>,
    },
    {
      header: 'Expires',
      cell: (row) => <TimeText value={row.expiresAt} style="short" />,
    },
    {
      header: 'Paid',
      cell: (row) =>
        row.confirmed ? (
          <Badge
            tone="ok"
            label="Confirmed"
            title="This QR's payment confirmed its target."
          />
        ) : (
          <Badge
            tone="neutral"
            label="Not by this QR"
            title="No payment of this QR confirmed its target (yet)."
          />
        ),
    },
  ];

  return (
    <>
      <PageHeader title="Payment attempts" about={ABOUT} />
      <FilterBar url={url} fields={FIELDS} label="Filter payment attempts" />
      <ListView
        what="payment attempts"
        query={list}
        url={url}
        columns={columns}
        rowKey={(row) => row.id}
        empty={
          isFiltered(url, ['q', 'purpose', 'window']) ? (
            <p>
              No attempts match these filters. Search takes a whole md5 or
              reference.
            </p>
          ) : (
            <p>
              No payment attempts registered yet. Tills register one when they
              show a QR.
            </p>
          )
        }
      />
    </>
  );
}
