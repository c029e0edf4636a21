'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';

import { useAnnounce } from '../_lib/announce';
import { useSession } from '../_lib/session';
import { useTRPC } from '../_lib/trpc';
import { ActionDialog } from './action-dialog';

/** After any change, every list and count on screen is stale. */
function useInvalidateAll() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries();
}

export function RetryDispatchAction({
  dispatch,
}: {
  dispatch: { id: string; handler: string; status: string; attempts: number };
}) {
  const { canAct } = useSession();
  const trpc = useTRPC();
  const announce = useAnnounce();
  const invalidate = useInvalidateAll();
  const retry = useMutation(
    trpc.dispatches.retry.mutationOptions({ onSuccess: invalidate }),
  );
  if (!canAct || (dispatch.status !== 'failed' && dispatch.status !== 'dead'))
    return null;
  return (
    <ActionDialog
      trigger="Retry"
      small
      title="Retry this dispatch"
      confirmLabel="Retry now"
      note="optional"
      onDone={() =>
        announce(
          `Dispatch ${dispatch.id} queued again; it runs within seconds.`,
        )
      }
      run={(note) =>
        retry.mutateAsync({ id: dispatch.id, ...(note ? { note } : {}) })
      }
    >
      <p>
        The handler <code>{dispatch.handler}</code> runs again for this payment,
        starting a new series of attempts (it is {dispatch.status} after{' '}
        {dispatch.attempts}).
      </p>
      <p>
        Handlers are idempotent: if the sale was confirmed already, it is not
        confirmed twice. Fix the cause first (often a service that was down), or
        it fails the same way. The retry is written to the audit log under your
        name.
      </p>
    </ActionDialog>
  );
}

export function ReplayEventAction({
  event,
}: {
  event: {
    id: string;
    tenantId: string | null;
    dispatches: readonly unknown[];
  };
}) {
  const { canAct } = useSession();
  const trpc = useTRPC();
  const announce = useAnnounce();
  const invalidate = useInvalidateAll();
  const replay = useMutation(
    trpc.events.replay.mutationOptions({ onSuccess: invalidate }),
  );
  if (!canAct) return null;
  if (event.tenantId === null) {
    return (
      <p className="muted small">
        Replay is not possible yet: no till has registered this payment&apos;s
        QR, so no handler owns it. It is dispatched by itself when the QR is
        registered.
      </p>
    );
  }
  const count = event.dispatches.length;
  return (
    <ActionDialog
      trigger="Replay event"
      title="Replay this event"
      confirmLabel="Replay now"
      note="optional"
      onDone={() =>
        announce('Event replayed: its dispatches are queued again.')
      }
      run={(note) =>
        replay.mutateAsync({ id: event.id, ...(note ? { note } : {}) })
      }
    >
      <p>
        Every dispatch of this event ({count} handler{count === 1 ? '' : 's'})
        runs again, even the ones that succeeded. A dispatch running right now
        is skipped.
      </p>
      <p>
        Handlers are idempotent, so a confirmed sale stays confirmed once and no
        anomaly is raised twice. Use this when a handler was fixed and should
        look at the payment again. The replay is written to the audit log under
        your name.
      </p>
    </ActionDialog>
  );
}

export function ReprocessDeliveryAction({
  delivery,
}: {
  delivery: {
    id: string;
    outcome: string;
    secretId: string | null;
    bodyTruncated: boolean;
  };
}) {
  const { canAct } = useSession();
  const trpc = useTRPC();
  const announce = useAnnounce();
  const invalidate = useInvalidateAll();
  const reprocess = useMutation(
    trpc.deliveries.reprocess.mutationOptions({ onSuccess: invalidate }),
  );
  if (!canAct) return null;
  const verified =
    delivery.outcome !== 'rejected' &&
    delivery.secretId !== null &&
    !delivery.bodyTruncated;
  if (!verified) {
    return (
      <p className="muted small">
        Reprocess is not possible: this delivery was never verified, so its body
        is not trusted. The provider must send it again.
      </p>
    );
  }
  return (
    <ActionDialog
      trigger="Reprocess delivery"
      title="Reprocess this delivery"
      confirmLabel="Reprocess now"
      run={async () => {
        const result = await reprocess.mutateAsync({ id: delivery.id });
        announce(`Reprocessed: the new delivery is ${result.outcome}.`);
      }}
    >
      <p>
        The stored body runs through today&apos;s parser again and is recorded
        as a new delivery linked to this one. Nothing is sent to the provider.
      </p>
      {delivery.outcome === 'quarantined' ? (
        <p>
          If the body now makes a payment event, this delivery&apos;s quarantine
          anomaly is resolved and the payment is dispatched as usual. If it
          still cannot be read, the new delivery is quarantined too and nothing
          else changes.
        </p>
      ) : (
        <p>
          This delivery already made its event, so the new one will be a
          duplicate and change nothing. Reprocessing is meant for quarantined
          deliveries after a parser fix.
        </p>
      )}
    </ActionDialog>
  );
}
