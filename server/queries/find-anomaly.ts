import type { Sql } from '../../db/client';
import type { Caller } from '../auth/caller';
import {
  anomalyColumns,
  type AnomalySummary,
  maskAnomaly,
} from './list-anomalies';
import { tenantScope } from './tenant-scope';

/** One anomaly, or null if `caller` may not see it. */
export async function findAnomaly(
  sql: Sql,
  caller: Caller,
  id: string,
): Promise<AnomalySummary | null> {
  const [row] = await sql<AnomalySummary[]>`
    select ${anomalyColumns(sql)}
    from anomalies a
    where a.id = ${id} and ${tenantScope(sql, caller, 'a.tenant_id')}
  `;
  return row ? maskAnomaly(caller, row) : null;
}
