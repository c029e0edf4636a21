'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { useRefresh } from '../_lib/refresh';
import { useTRPC } from '../_lib/trpc';
import { useHrefWithShared, useTenantParam } from '../_lib/url-state';
import { TimeText } from './time-text';

/** Past this, no accepted payment is worth a second look at most hours. */
const QUIET_MS = 30 * 60 * 1000;

function ago(iso: string, now: number): string {
  const seconds = Math.max(
    0,
    Math.round((now - new Date(iso).getTime()) / 1000),
  );
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/**
 * The first question at 2 a.m.: are payments arriving? Answered by the
 * newest accepted delivery and the newest delivery of any kind.
 */
export function FlowStatus() {
  const trpc = useTRPC();
  const tenantId = useTenantParam();
  const { interval } = useRefresh();
  const withShared = useHrefWithShared();
  const options = {
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  };
  const accepted = useQuery({
    ...trpc.deliveries.list.queryOptions({
      tenantId,
      outcome: 'accepted',
      limit: 1,
    }),
    ...options,
  });
  const any = useQuery({
    ...trpc.deliveries.list.queryOptions({ tenantId, limit: 1 }),
    ...options,
  });
  const lastAccepted = accepted.data?.items[0];
  const lastAny = any.data?.items[0];
  const now =
    Math.max(accepted.dataUpdatedAt, any.dataUpdatedAt, 0) || Date.now();

  let tone = 'ok';
  let headline = 'Payments are flowing.';
  if (accepted.data === undefined) {
    tone = 'neutral';
    headline = accepted.isError
      ? 'Could not check the flow of payments.'
      : 'Checking…';
  } else if (lastAccepted === undefined) {
    tone = 'warn';
    headline = 'No payment has been accepted yet.';
  } else if (now - new Date(lastAccepted.receivedAt).getTime() > QUIET_MS) {
    tone = 'warn';
    headline = 'No payment accepted in the last 30 minutes.';
  }

  return (
    <section className={`flow flow-${tone}`} aria-labelledby="flow-title">
      <h2 id="flow-title">{headline}</h2>
      <p>
        Last accepted delivery:{' '}
        {lastAccepted ? (
          <>
            <Link href={withShared(`/deliveries/${lastAccepted.id}`)}>
              {ago(lastAccepted.receivedAt, now)}
            </Link>{' '}
            (<TimeText value={lastAccepted.receivedAt} />)
          </>
        ) : (
          'none'
        )}
        . Last delivery of any kind:{' '}
        {lastAny ? (
          <>
            <Link href={withShared(`/deliveries/${lastAny.id}`)}>
              {ago(lastAny.receivedAt, now)}
            </Link>{' '}
            ({lastAny.outcome})
          </>
        ) : (
          'none'
        )}
        .
      </p>
      {tone === 'warn' &&
      lastAny !== undefined &&
      lastAny.outcome === 'rejected' ? (
        <p>
          The newest delivery was rejected: if many are, the provider may be
          signing with a secret the gateway does not have.{' '}
          <Link href={withShared('/deliveries?outcome=rejected')}>
            See rejected deliveries
          </Link>
          .
        </p>
      ) : null}
    </section>
  );
}
