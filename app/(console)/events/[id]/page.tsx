'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';

import { ReplayEventAction } from '../../../_components/actions';
import { AmountText } from '../../../_components/amount-text';
import { AnomalyActions } from '../../../_components/anomaly-actions';
import { BadId } from '../../../_components/bad-id';
import { Badge } from '../../../_components/badge';
import { DispatchTimeline } from '../../../_components/dispatch-timeline';
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
  OutcomeBadge,
  ResolvedBadge,
} from '../../../_components/status-badges';
import { TimeText } from '../../../_components/time-text';
import type { EventDetail } from '../../../_lib/api-types';
import { formatAmount } from '../../../_lib/format-amount';
import { formatValue } from '../../../_lib/format-json';
import { isRowId } from '../../../_lib/ids';
import { useRefresh } from '../../../_lib/refresh';
import { useTRPC } from '../../../_lib/trpc';
import { useHrefWithShared } from '../../../_lib/url-state';

const ABOUT =
  'One payment, however many times it was delivered: its deliveries, what each ' +
  'handler did, and anything that needs a person.';

export default function EventPage() {
  const { id } = useParams<{ id: string }>();
  if (!isRowId(id)) {
    return (
      <>
        <PageHeader title="Payment event" />
        <BadId what="event" list="/events" />
      </>
    );
  }
  return <EventView id={id} />;
}

function EventView({ id }: { id: string }) {
  const trpc = useTRPC();
  const { interval } = useRefresh();
  const event = useQuery({
    ...trpc.events.byId.queryOptions({ id }),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
  const data = event.data;
  return (
    <>
      <PageHeader
        title={
          data
            ? `Payment of ${formatAmount(data.amount, data.currency)}`
            : 'Payment event'
        }
        about={ABOUT}
      >
        {data ? <ReplayEventAction event={data} /> : null}
      </PageHeader>
      <RefreshStatus query={event} />
      {data === undefined ? (
        event.isError ? (
          <ErrorNotice
            error={event.error}
            what="event"
            onRetry={() => void event.refetch()}
          />
        ) : (
          <Loading what="the event" />
        )
      ) : (
        <EventDetails event={data} />
      )}
    </>
  );
}

const ATTEMPT_STATES: Record<
  string,
  { tone: string; label: string; meaning: string }
> = {
  awaiting: {
    tone: 'waiting',
    label: 'Awaiting',
    meaning: 'No matching payment yet.',
  },
  confirmed: {
    tone: 'ok',
    label: 'Confirmed',
    meaning: 'This QR paid its sale or invoice.',
  },
  mismatched: {
    tone: 'bad',
    label: 'Mismatched',
    meaning: 'Paid, but not as expected; see the anomalies.',
  },
  superseded: {
    tone: 'warn',
    label: 'Superseded',
    meaning:
      'A newer QR was issued for the same target, or another QR paid it.',
  },
  expired: {
    tone: 'warn',
    label: 'Expired',
    meaning: 'Its time ran out before it was paid.',
  },
};

function EventDetails({ event }: { event: EventDetail }) {
  const withShared = useHrefWithShared();
  const attempt = event.attempt;
  const state = attempt ? ATTEMPT_STATES[attempt.state] : undefined;
  return (
    <div className="detail-grid">
      <Section title="Payment" id="payment">
        <KeyValues
          items={[
            {
              label: 'Amount',
              value: (
                <AmountText amount={event.amount} currency={event.currency} />
              ),
            },
            {
              label: 'Status',
              value: <ResolvedBadge tenantId={event.tenantId} />,
            },
            { label: 'Tenant', value: event.tenantId ?? 'not known yet' },
            { label: 'Branch', value: event.branchId ?? '—' },
            {
              label: 'md5 (QR)',
              value: <ShortId value={event.md5} keep={32} />,
            },
            {
              label: 'Transaction hash',
              value: <ShortId value={event.hash} keep={16} />,
            },
            { label: 'Paid at', value: <TimeText value={event.occurredAt} /> },
            {
              label: 'First stored',
              value: <TimeText value={event.createdAt} />,
            },
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
      </Section>

      <Section title="Expected payment (the QR)" id="attempt">
        {attempt === null ? (
          <p className="muted">
            No till has registered this QR yet, so the payment has no tenant and
            no handler has run. It is dispatched by itself when the QR is
            registered.
          </p>
        ) : (
          <KeyValues
            items={[
              {
                label: 'State',
                value: state ? (
                  <Badge tone={state.tone} label={state.label} />
                ) : (
                  attempt.state
                ),
                hint: state?.meaning,
              },
              {
                label: 'Purpose',
                value:
                  attempt.purpose === 'SALE' ? 'Sale' : 'Subscription invoice',
              },
              { label: 'Target', value: <code>{attempt.targetRef}</code> },
              {
                label: 'Expected',
                value: (
                  <AmountText
                    amount={attempt.amount}
                    currency={attempt.currency}
                  />
                ),
              },
              {
                label: 'To account',
                value: <code>{attempt.receiverAccountId}</code>,
              },
              {
                label: 'Expires',
                value: <TimeText value={attempt.expiresAt} />,
              },
              {
                label: 'Confirmation',
                value: attempt.confirmation ? (
                  <>
                    <AmountText
                      amount={attempt.confirmation.amount}
                      currency={attempt.confirmation.currency}
                    />{' '}
                    at <TimeText value={attempt.confirmation.confirmedAt} />
                  </>
                ) : (
                  'none'
                ),
              },
            ]}
          />
        )}
      </Section>

      <Section title="Dispatches" id="dispatches">
        <DispatchTimeline dispatches={event.dispatches} />
      </Section>

      <Section title="Anomalies" id="anomalies">
        {event.anomalies.length === 0 ? (
          <p className="muted">
            None: nothing about this payment needs a person.
          </p>
        ) : (
          <ul className="plain-list">
            {event.anomalies.map((anomaly) => (
              <li key={anomaly.id} className="with-actions">
                <span>
                  <Link href={withShared(`/anomalies/${anomaly.id}`)}>
                    <AnomalyKindText kind={anomaly.kind} />
                  </Link>{' '}
                  <AnomalyStatusBadge status={anomaly.status} /> opened{' '}
                  <TimeText value={anomaly.openedAt} />
                </span>
                <AnomalyActions anomaly={anomaly} small />
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={`Deliveries (${event.deliveryCount})`} id="deliveries">
        <table className="data-table compact">
          <caption className="sr-only">Deliveries of this payment</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Outcome</th>
              <th scope="col">Message id</th>
            </tr>
          </thead>
          <tbody>
            {event.deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td>
                  <Link href={withShared(`/deliveries/${delivery.id}`)}>
                    <TimeText value={delivery.receivedAt} />
                  </Link>
                </td>
                <td>
                  <OutcomeBadge outcome={delivery.outcome} />
                </td>
                <td>
                  <ShortId value={delivery.messageId} keep={12} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {event.deliveryCount > event.deliveries.length ? (
          <p>
            <Link href={withShared(`/deliveries?q=${event.id}`)}>
              All {event.deliveryCount} deliveries
            </Link>
          </p>
        ) : null}
      </Section>

      <Section title="Normalized event" id="normalized">
        <p className="hint">
          What the handlers read, made from the first accepted delivery.
        </p>
        <JsonBlock
          label="Normalized event"
          shown={formatValue(event.normalized)}
        />
      </Section>
    </div>
  );
}
