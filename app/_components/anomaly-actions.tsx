'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';

import { useAnnounce } from '../_lib/announce';
import { useSession } from '../_lib/session';
import { useTRPC } from '../_lib/trpc';
import { labelOf, ANOMALY_KINDS } from '../_lib/vocabulary';
import { ActionDialog } from './action-dialog';

/** Acknowledge and resolve, for roles that may act, on anomalies still open. */
export function AnomalyActions({
  anomaly,
  small = false,
}: {
  anomaly: { id: string; kind: string; status: string; subject: string };
  small?: boolean;
}) {
  const { canAct } = useSession();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const onSuccess = () => queryClient.invalidateQueries();
  const acknowledge = useMutation(
    trpc.anomalies.acknowledge.mutationOptions({ onSuccess }),
  );
  const resolve = useMutation(
    trpc.anomalies.resolve.mutationOptions({ onSuccess }),
  );
  if (!canAct || anomaly.status === 'resolved') return null;
  const kind = labelOf(ANOMALY_KINDS, anomaly.kind);

  return (
    <div className="row-actions">
      {anomaly.status === 'open' ? (
        <ActionDialog
          trigger="Acknowledge"
          small={small}
          title={`Acknowledge: ${kind}`}
          confirmLabel="Acknowledge"
          note="optional"
          onDone={() =>
            announce(`${kind} acknowledged: it shows as being looked at.`)
          }
          run={(note) =>
            acknowledge.mutateAsync({
              id: anomaly.id,
              ...(note ? { note } : {}),
            })
          }
        >
          <p>
            Marks the anomaly as being looked at, under your name, so nobody
            else starts on it. It stays in the queue until it is resolved.
            Nothing about the payment changes.
          </p>
        </ActionDialog>
      ) : null}
      <ActionDialog
        trigger="Resolve"
        small={small}
        title={`Resolve: ${kind}`}
        confirmLabel="Resolve"
        note="required"
        noteLabel="How was it resolved?"
        onDone={() =>
          announce(`${kind} resolved; the note is in the audit log.`)
        }
        run={(note) =>
          resolve.mutateAsync({ id: anomaly.id, note: note ?? '' })
        }
      >
        <p>
          Closes the anomaly with your note, under your name; the note goes to
          the audit log. Resolving records what was done: it does not refund,
          confirm or change any payment.
        </p>
      </ActionDialog>
    </div>
  );
}
