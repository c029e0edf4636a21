import {
  ANOMALY_KINDS,
  ANOMALY_STATUSES,
  DISPATCH_STATUSES,
  labelOf,
  meaningOf,
  OUTCOMES,
} from '../_lib/vocabulary';
import { Badge } from './badge';

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <Badge
      tone={`outcome-${outcome}`}
      label={labelOf(OUTCOMES, outcome)}
      title={meaningOf(OUTCOMES, outcome)}
    />
  );
}

export function DispatchBadge({ status }: { status: string }) {
  return (
    <Badge
      tone={`dispatch-${status}`}
      label={labelOf(DISPATCH_STATUSES, status)}
      title={meaningOf(DISPATCH_STATUSES, status)}
    />
  );
}

export function AnomalyStatusBadge({ status }: { status: string }) {
  return (
    <Badge
      tone={`anomaly-${status}`}
      label={labelOf(ANOMALY_STATUSES, status)}
      title={meaningOf(ANOMALY_STATUSES, status)}
    />
  );
}

export function AnomalyKindText({ kind }: { kind: string }) {
  return (
    <span title={meaningOf(ANOMALY_KINDS, kind)}>
      {labelOf(ANOMALY_KINDS, kind)}
    </span>
  );
}

/** Whether the payment's QR was registered, so a tenant and handlers own it. */
export function ResolvedBadge({ tenantId }: { tenantId: string | null }) {
  return tenantId === null ? (
    <Badge
      tone="waiting"
      label="Waiting for QR"
      title="No till registered this QR yet; it is dispatched when one does."
    />
  ) : (
    <Badge
      tone="ok"
      label="Resolved"
      title="Its tenant is known and it went to its handlers."
    />
  );
}
