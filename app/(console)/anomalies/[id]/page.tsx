'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';

import { AnomalyActions } from '../../../_components/anomaly-actions';
import { BadId } from '../../../_components/bad-id';
import { JsonBlock } from '../../../_components/json-block';
import { KeyValues } from '../../../_components/key-values';
import { PageHeader } from '../../../_components/page-header';
import { ErrorNotice, Loading } from '../../../_components/query-states';
import { RefreshStatus } from '../../../_components/refresh-status';
import { Section } from '../../../_components/section';
import { ShortId } from '../../../_components/short-id';
import { AnomalyStatusBadge } from '../../../_components/status-badges';
import { TimeText } from '../../../_components/time-text';
import type { AnomalyRow } from '../../../_lib/api-types';
import { formatValue } from '../../../_lib/format-json';
import { isRowId } from '../../../_lib/ids';
import { useRefresh } from '../../../_lib/refresh';
import { useSession } from '../../../_lib/session';
import { useTRPC } from '../../../_lib/trpc';
import { useHrefWithShared } from '../../../_lib/url-state';
import { ANOMALY_KINDS, labelOf, meaningOf } from '../../../_lib/vocabulary';

export default function AnomalyPage() {
  const { id } = useParams<{ id: string }>();
  if (!isRowId(id)) {
    return (
      <>
        <PageHeader title="Anomaly" />
        <BadId what="anomaly" list="/anomalies" />
      </>
    );
  }
  return <AnomalyView id={id} />;
}

function AnomalyView({ id }: { id: string }) {
  const trpc = useTRPC();
  const { interval } = useRefresh();
  const anomaly = useQuery({
    ...trpc.anomalies.byId.queryOptions({ id }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
  const data = anomaly.data;
  return (
    <>
      <PageHeader
        title={data ? labelOf(ANOMALY_KINDS, data.kind) : 'Anomaly'}
        about={data ? meaningOf(ANOMALY_KINDS, data.kind) : undefined}
      >
        {data ? <AnomalyActions anomaly={data} /> : null}
      </PageHeader>
      <RefreshStatus query={anomaly} />
      {data === undefined ? (
        anomaly.isError ? (
          <ErrorNotice
            error={anomaly.error}
            what="anomaly"
            onRetry={() => void anomaly.refetch()}
          />
        ) : (
          <Loading what="the anomaly" />
        )
      ) : (
        <AnomalyDetails anomaly={data} />
      )}
    </>
  );
}

function AnomalyDetails({ anomaly }: { anomaly: AnomalyRow }) {
  const withShared = useHrefWithShared();
  const { canReadAudit } = useSession();
  return (
    <div className="detail-grid">
      <Section title="Where it stands" id="status">
        <KeyValues
          items={[
            {
              label: 'Status',
              value: <AnomalyStatusBadge status={anomaly.status} />,
            },
            { label: 'Opened', value: <TimeText value={anomaly.openedAt} /> },
            {
              label: 'Last seen',
              value: <TimeText value={anomaly.lastSeenAt} />,
              hint: `${anomaly.occurrences} time${anomaly.occurrences === 1 ? '' : 's'} in all`,
            },
            {
              label: 'Acknowledged',
              value: anomaly.acknowledgedAt ? (
                <>
                  by {anomaly.acknowledgedBy} at{' '}
                  <TimeText value={anomaly.acknowledgedAt} />
                </>
              ) : (
                'not yet'
              ),
            },
            {
              label: 'Resolved',
              value: anomaly.resolvedAt ? (
                <>
                  by {anomaly.resolvedBy} at{' '}
                  <TimeText value={anomaly.resolvedAt} />
                </>
              ) : (
                'not yet'
              ),
            },
            { label: 'Resolution note', value: anomaly.resolutionNote ?? '—' },
          ]}
        />
        {canReadAudit ? (
          <p>
            <Link href={withShared(`/audit?target=${anomaly.id}`)}>
              Audit entries for this anomaly
            </Link>
          </p>
        ) : null}
      </Section>
      <Section title="What it is about" id="about">
        <KeyValues
          items={[
            { label: 'Tenant', value: anomaly.tenantId ?? 'not known yet' },
            { label: 'Branch', value: anomaly.branchId ?? '—' },
            {
              label: 'Subject',
              value: <ShortId value={anomaly.subject} keep={32} />,
            },
            {
              label: 'Event',
              value: anomaly.eventId ? (
                <Link href={withShared(`/events/${anomaly.eventId}`)}>
                  Open the event
                </Link>
              ) : (
                'none'
              ),
            },
            {
              label: 'Delivery',
              value: anomaly.deliveryId ? (
                <Link href={withShared(`/deliveries/${anomaly.deliveryId}`)}>
                  Open the delivery
                </Link>
              ) : (
                'none'
              ),
            },
          ]}
        />
        <JsonBlock
          label="Expected and received"
          shown={formatValue(anomaly.detail)}
        />
      </Section>
    </div>
  );
}
