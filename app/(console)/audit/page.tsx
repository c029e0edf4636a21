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
import { TimeText } from '../../_components/time-text';
import type { AuditRow } from '../../_lib/api-types';
import { isFiltered, useCommonListInput } from '../../_lib/list-input';
import { useRefresh } from '../../_lib/refresh';
import { useTRPC } from '../../_lib/trpc';
import { useHrefWithShared, useUrlState } from '../../_lib/url-state';

const ACTIONS = [
  ['anomaly.acknowledge', 'Anomaly acknowledged'],
  ['anomaly.resolve', 'Anomaly resolved'],
  ['dispatch.retry', 'Dispatch retried'],
  ['event.replay', 'Event replayed'],
  ['delivery.reprocess', 'Delivery reprocessed'],
  ['auth.sign_in', 'Signed in'],
  ['auth.sign_in_failed', 'Sign-in refused'],
  ['auth.sign_out', 'Signed out'],
  ['auth.change_password', 'Password changed'],
  ['operator.create', 'Operator created'],
  ['operator.update', 'Operator changed'],
  ['operator.set_password', 'Operator password set'],
  ['token.create', 'API token issued'],
  ['token.revoke', 'API token revoked'],
] as const;

const ACTION_LABELS: Record<string, string> = Object.fromEntries(ACTIONS);

const FIELDS: readonly FilterField[] = [
  {
    kind: 'select',
    name: 'action',
    label: 'Action',
    anyLabel: 'Any action',
    options: ACTIONS.map(([value, label]) => ({ value, label })),
  },
  {
    kind: 'text',
    name: 'target',
    label: 'Row id',
    placeholder: 'anomaly, dispatch, event id…',
  },
  windowField('When'),
];

/** Where the row an entry is about can be seen. */
function targetHref(type: string | null, id: string | null): string | null {
  if (id === null) return null;
  switch (type) {
    case 'anomaly':
      return `/anomalies/${id}`;
    case 'event':
      return `/events/${id}`;
    case 'delivery':
      return `/deliveries/${id}`;
    case 'dispatch':
      return `/dispatches?q=${id}`;
    default:
      return null;
  }
}

export default function AuditPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { interval } = useRefresh();
  const withShared = useHrefWithShared();
  const { tenantId, from, cursor, limit, order } = useCommonListInput(url);
  const list = useQuery({
    ...trpc.auditLog.list.queryOptions({
      tenantId,
      from,
      cursor,
      limit,
      order,
      action: url.get('action')?.slice(0, 64),
      targetId: url.get('target')?.slice(0, 128),
    }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });

  const columns: Column<AuditRow>[] = [
    { header: 'When', time: true, cell: (row) => <TimeText value={row.at} /> },
    {
      header: 'Who',
      cell: (row) => (
        <>
          {row.actorName ?? row.actorId ?? 'unknown'}{' '}
          <span className="muted small">({row.actorKind})</span>
        </>
      ),
    },
    {
      header: 'Action',
      cell: (row) => ACTION_LABELS[row.action] ?? <code>{row.action}</code>,
    },
    {
      header: 'Row',
      cell: (row) => {
        const href = targetHref(row.targetType, row.targetId);
        const text = (
          <>
            {row.targetType ?? ''} <ShortId value={row.targetId} />
          </>
        );
        return href ? <Link href={withShared(href)}>{text}</Link> : text;
      },
    },
    {
      header: 'Tenant',
      cell: (row) => row.tenantId ?? <span className="muted">—</span>,
    },
    {
      header: 'Note',
      className: 'note',
      cell: (row) => row.note ?? <span className="muted">—</span>,
    },
  ];

  return (
    <>
      <PageHeader
        title="Audit log"
        about="Who did what to which row, newest first. Entries cannot be changed or deleted."
      />
      <FilterBar url={url} fields={FIELDS} label="Filter the audit log" />
      <ListView
        what="audit entries"
        query={list}
        url={url}
        columns={columns}
        rowKey={(row) => row.id}
        empty={
          isFiltered(url, ['action', 'target', 'window']) ? (
            <p>No entries match these filters.</p>
          ) : (
            <p>
              Nothing recorded yet. Every action taken in the console lands
              here.
            </p>
          )
        }
      />
    </>
  );
}
