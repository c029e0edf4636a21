import type { Inputs } from './api-types';

type DeliveryFilters = Exclude<Inputs['deliveries']['list'], void | undefined>;
type DispatchFilters = Exclude<Inputs['dispatches']['list'], void | undefined>;
type AnomalyFilters = Exclude<Inputs['anomalies']['list'], void | undefined>;

export type DeliveryOutcome = NonNullable<DeliveryFilters['outcome']>;
export type DispatchStatus = NonNullable<DispatchFilters['status']>;
export type AnomalyKind = NonNullable<AnomalyFilters['kind']>;
export type AnomalyStatus = NonNullable<AnomalyFilters['status']>;

type Explained = { label: string; meaning: string };

/**
 * What each value means in words an operator new to the gateway can act on.
 * Typed against the API's inputs, so a value the server would refuse fails
 * the type check here.
 */
export const OUTCOMES: Record<DeliveryOutcome, Explained> = {
  accepted: {
    label: 'Accepted',
    meaning: 'Verified and recorded as a new payment.',
  },
  duplicate: {
    label: 'Duplicate',
    meaning: 'A repeat of a payment already recorded; nothing else happened.',
  },
  quarantined: {
    label: 'Quarantined',
    meaning:
      'Signed correctly, but the body could not be read; kept for reprocessing.',
  },
  rejected: {
    label: 'Rejected',
    meaning:
      'Refused before processing: bad or old signature, or a malformed request.',
  },
};

export const DISPATCH_STATUSES: Record<DispatchStatus, Explained> = {
  pending: { label: 'Pending', meaning: 'Waiting for a worker to run it.' },
  running: {
    label: 'Running',
    meaning: 'A worker is running the handler now.',
  },
  succeeded: {
    label: 'Succeeded',
    meaning: 'The handler finished and recorded its outcome.',
  },
  failed: {
    label: 'Failed',
    meaning:
      'The last run failed; the queue retries it by itself with backoff.',
  },
  dead: {
    label: 'Dead',
    meaning: 'Gave up after its last attempt. Fix the cause, then retry it.',
  },
};

export const ANOMALY_STATUSES: Record<AnomalyStatus, Explained> = {
  open: { label: 'Open', meaning: 'Nobody has picked it up yet.' },
  acknowledged: { label: 'Acknowledged', meaning: 'Someone is looking at it.' },
  resolved: { label: 'Resolved', meaning: 'Closed with a note saying how.' },
};

export const ANOMALY_KINDS: Record<AnomalyKind, Explained> = {
  unknown_payment: {
    label: 'Unknown payment',
    meaning:
      'A payment for a QR no till has registered. It waits, and is handled as soon as ' +
      'the QR is registered; if none will be, find the sale with the branch.',
  },
  amount_mismatch: {
    label: 'Amount mismatch',
    meaning:
      'The amount paid differs from the amount expected, so the sale was not ' +
      'confirmed. Settle the difference with the branch, then resolve.',
  },
  currency_mismatch: {
    label: 'Currency mismatch',
    meaning:
      'Paid in another currency than the QR asked for; the sale was not confirmed.',
  },
  receiver_mismatch: {
    label: 'Receiver mismatch',
    meaning:
      'Paid to another account than the QR named; the sale was not confirmed.',
  },
  superseded_attempt_paid: {
    label: 'Old QR paid',
    meaning:
      'A QR replaced by a newer one was paid. Check the sale was not paid twice.',
  },
  expired_attempt_paid: {
    label: 'Expired QR paid',
    meaning:
      'A QR was paid after it expired. The sale was confirmed; check with the branch.',
  },
  double_payment: {
    label: 'Double payment',
    meaning:
      'A sale already paid was paid again. The customer is owed a refund.',
  },
  conflicting_redelivery: {
    label: 'Conflicting redelivery',
    meaning:
      'The provider sent the same transaction again with different details. The first ' +
      'version stands; compare the two with the provider.',
  },
  quarantined_delivery: {
    label: 'Quarantined delivery',
    meaning:
      'A signed delivery could not be read. Once the parser is fixed, reprocess it ' +
      'from its delivery page.',
  },
  dispatch_failed: {
    label: 'Dispatch failed',
    meaning:
      'A handler gave up on a payment. Fix the cause (often a service that was down), ' +
      'then retry the dispatch.',
  },
};

/** The keys of a vocabulary, in the order written above. */
export function keysOf<K extends string>(table: Record<K, Explained>): K[] {
  return Object.keys(table) as K[];
}

export function isKeyOf<K extends string>(
  table: Record<K, Explained>,
  value: string | null | undefined,
): value is K {
  return value != null && Object.hasOwn(table, value);
}

/** A label for a value the table may not know (a newer server's value). */
export function labelOf<K extends string>(
  table: Record<K, Explained>,
  value: string,
): string {
  return isKeyOf(table, value) ? table[value].label : value.replace(/_/g, ' ');
}

export function meaningOf<K extends string>(
  table: Record<K, Explained>,
  value: string,
): string {
  return isKeyOf(table, value) ? table[value].meaning : '';
}
