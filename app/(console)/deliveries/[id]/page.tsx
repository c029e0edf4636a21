'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';

import { ReprocessDeliveryAction } from '../../../_components/actions';
import { AmountText } from '../../../_components/amount-text';
import { BadId } from '../../../_components/bad-id';
import { DeliveryBody } from '../../../_components/delivery-body';
import { JsonBlock } from '../../../_components/json-block';
import { KeyValues } from '../../../_components/key-values';
import { PageHeader } from '../../../_components/page-header';
import { ErrorNotice, Loading } from '../../../_components/query-states';
import { RefreshStatus } from '../../../_components/refresh-status';
import { Section } from '../../../_components/section';
import { ShortId } from '../../../_components/short-id';
import {
  AnomalyKindText,
  AnomalyStatusBadge,
  DispatchBadge,
  OutcomeBadge,
  ResolvedBadge,
} from '../../../_components/status-badges';
import { TimeText } from '../../../_components/time-text';
import type { DeliveryDetail } from '../../../_lib/api-types';
import { formatValue } from '../../../_lib/format-json';
import { isRowId } from '../../../_lib/ids';
import { useRefresh } from '../../../_lib/refresh';
import { useTRPC } from '../../../_lib/trpc';
import { useHrefWithShared } from '../../../_lib/url-state';
import { meaningOf, OUTCOMES } from '../../../_lib/vocabulary';

export default function DeliveryPage() {
  const { id } = useParams<{ id: string }>();
  if (!isRowId(id)) {
    return (
      <>
        <PageHeader title="Delivery" />
        <BadId what="delivery" list="/deliveries" />
      </>
    );
  }
  return <DeliveryView id={id} />;
}

function DeliveryView({ id }: { id: string }) {
  const trpc = useTRPC();
  const { interval } = useRefresh();
  const delivery = useQuery({
    ...trpc.deliveries.byId.queryOptions({ id }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
  const data = delivery.data;
  return (
    <>
      <PageHeader
        title="Delivery"
        about={
          data
            ? meaningOf(OUTCOMES, data.outcome)
            : 'One webhook request, as received.'
        }
      >
        {data ? <ReprocessDeliveryAction delivery={data} /> : null}
      </PageHeader>
      <RefreshStatus query={delivery} />
      {data === undefined ? (
        delivery.isError ? (
          <ErrorNotice
            error={delivery.error}
            what="delivery"
            onRetry={() => void delivery.refetch()}
          />
        ) : (
          <Loading what="the delivery" />
        )
      ) : (
        <DeliveryDetails delivery={data} />
      )}
    </>
  );
}

function DeliveryDetails({ delivery }: { delivery: DeliveryDetail }) {
  const withShared = useHrefWithShared();
  return (
    <div className="detail-grid">
      <Section title="What happened" id="what">
        <KeyValues
          items={[
            {
              label: 'Outcome',
              value: <OutcomeBadge outcome={delivery.outcome} />,
            },
            {
              label: 'Reason',
              value: delivery.reason ? <code>{delivery.reason}</code> : 'none',
              hint: delivery.detail ?? undefined,
            },
            {
              label: 'Received',
              value: <TimeText value={delivery.receivedAt} />,
            },
            { label: 'Answered', value: `HTTP ${delivery.statusCode}` },
            { label: 'Method', value: delivery.method },
            { label: 'Provider', value: delivery.provider },
            {
              label: 'Message id',
              value: <ShortId value={delivery.messageId} keep={16} />,
            },
            {
              label: 'Request id',
              value: <ShortId value={delivery.requestId} keep={16} />,
            },
            {
              label: 'From address',
              value: delivery.remoteAddress ?? (
                <span className="muted">withheld or unknown</span>
              ),
            },
          ]}
        />
        {delivery.reprocessedFrom ? (
          <p>
            Made by reprocessing{' '}
            <Link href={withShared(`/deliveries/${delivery.reprocessedFrom}`)}>
              an earlier delivery
            </Link>
            .
          </p>
        ) : null}
      </Section>

      <Section title="Verification" id="verification">
        <Verification delivery={delivery} />
      </Section>

      <Section title="Payment event" id="event">
        <LinkedEvent delivery={delivery} />
      </Section>

      <Section title="Anomalies raised" id="anomalies">
        {delivery.anomalies.length === 0 ? (
          <p className="muted">
            None: this delivery raised nothing for a person to look at.
          </p>
        ) : (
          <ul className="plain-list">
            {delivery.anomalies.map((anomaly) => (
              <li key={anomaly.id}>
                <Link href={withShared(`/anomalies/${anomaly.id}`)}>
                  <AnomalyKindText kind={anomaly.kind} />
                </Link>{' '}
                <AnomalyStatusBadge status={anomaly.status} /> opened{' '}
                <TimeText value={anomaly.openedAt} />
              </li>
            ))}
          </ul>
        )}
      </Section>

      {delivery.reprocessings.length > 0 ? (
        <Section title="Reprocessings" id="reprocessings">
          <ul className="plain-list">
            {delivery.reprocessings.map((again) => (
              <li key={again.id}>
                <Link href={withShared(`/deliveries/${again.id}`)}>
                  <TimeText value={again.receivedAt} />
                </Link>{' '}
                <OutcomeBadge outcome={again.outcome} />
                {again.reason ? <code> {again.reason}</code> : null}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      <Section title="Headers" id="headers">
        {delivery.masked ? (
          <p className="hint">
            Values that could identify someone are withheld from viewers.
          </p>
        ) : null}
        <table className="data-table compact">
          <caption className="sr-only">Request headers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(delivery.headers).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">
                  <code>{name}</code>
                </th>
                <td className="break">
                  <code>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">
          Signatures, credentials and cookies are never stored.
        </p>
      </Section>

      <Section title="Body" id="body">
        <KeyValues
          items={[
            { label: 'Size', value: `${delivery.bodyBytes} bytes` },
            {
              label: 'sha256',
              value: <ShortId value={delivery.bodySha256} keep={16} />,
            },
            {
              label: 'Fingerprint',
              value: <ShortId value={delivery.fingerprint} keep={16} />,
              hint: 'Equal for the same content, whatever its spacing or key order.',
            },
          ]}
        />
        <DeliveryBody delivery={delivery} />
      </Section>
    </div>
  );
}

function Verification({ delivery }: { delivery: DeliveryDetail }) {
  if (delivery.secretId !== null) {
    return (
      <>
        <p>
          <span className="badge badge-ok">Signature verified</span> with the
          active secret <code>{delivery.secretId}</code>.
        </p>
        <p className="hint">
          The secret id is a short hash of the key, never the key. Two ids over
          time mean the provider&apos;s secret was rotated.
        </p>
      </>
    );
  }
  return (
    <>
      <p>
        <span className="badge badge-bad">Not verified</span>{' '}
        {delivery.outcome === 'rejected'
          ? 'No active secret matched, or the request was refused before its signature was checked.'
          : 'No secret is recorded for this delivery.'}
      </p>
      <p className="hint">
        Its body was never parsed and made no event. If the provider says it
        sent this, compare the secret they use with the gateway&apos;s.
      </p>
    </>
  );
}

function LinkedEvent({ delivery }: { delivery: DeliveryDetail }) {
  const trpc = useTRPC();
  const withShared = useHrefWithShared();
  const event = delivery.event;
  // The full event adds the normalized shape and the dispatches.
  const full = useQuery({
    ...trpc.events.byId.queryOptions({ id: event?.id ?? '' }),
    enabled: event !== null,
  });
  if (event === null) {
    return (
      <p className="muted">
        None:{' '}
        {delivery.outcome === 'quarantined'
          ? 'the body could not be read, so it made no event. Reprocess it after a parser fix.'
          : 'only a verified delivery whose body could be read makes an event.'}
      </p>
    );
  }
  return (
    <>
      <p>
        <Link className="button" href={withShared(`/events/${event.id}`)}>
          Open the event
        </Link>
      </p>
      <KeyValues
        items={[
          {
            label: 'Amount',
            value: (
              <AmountText amount={event.amount} currency={event.currency} />
            ),
          },
          { label: 'md5', value: <ShortId value={event.md5} keep={32} /> },
          {
            label: 'Transaction hash',
            value: <ShortId value={event.hash} keep={16} />,
          },
          {
            label: 'Tenant',
            value: event.tenantId ?? <ResolvedBadge tenantId={null} />,
            hint: event.branchId ? `branch ${event.branchId}` : undefined,
          },
          { label: 'Paid at', value: <TimeText value={event.occurredAt} /> },
          {
            label: 'To account',
            value: <code>{event.receiverAccountId}</code>,
          },
          {
            label: 'From account',
            value: <code>{event.payerAccountId ?? '—'}</code>,
          },
        ]}
      />
      {full.data ? (
        <>
          <h3>Dispatches</h3>
          {full.data.dispatches.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <ul className="plain-list">
              {full.data.dispatches.map((dispatch) => (
                <li key={dispatch.id}>
                  <code>{dispatch.handler}</code>{' '}
                  <DispatchBadge status={dispatch.status} />{' '}
                  <Link href={withShared(`/dispatches?q=${dispatch.id}`)}>
                    In the dispatch list
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <JsonBlock
            label="Normalized event"
            shown={formatValue(full.data.normalized)}
          />
        </>
      ) : null}
    </>
  );
}
