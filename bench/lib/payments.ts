import { createHash, randomBytes } from 'node:crypto';

import type { Sql } from '../../db/client';
import type { DispatchRoutes } from '../../server/dispatch/registry';
import { makeConfirmation } from '../../server/providers/bakong/make-confirmation';

export const BENCH_TENANTS = ['bench_t1', 'bench_t2', 'bench_t3', 'bench_t4'];

/** One payment as the relay would send it, and what Modula expected. */
export type Payment = {
  md5: string;
  hash: string;
  messageId: string;
  body: Buffer;
  /** Whether its attempt is registered (before the phase sends it). */
  registered: boolean;
  attempt: {
    md5: string;
    tenantId: string;
    branchId: string | null;
    purpose: 'SALE' | 'SUBSCRIPTION_INVOICE';
    targetRef: string;
    attemptRef: null;
    amountMinor: string;
    currency: 'KHR' | 'USD';
    receiverAccountId: string;
    issuedAt: null;
    expiresAt: null;
    registeredBy: string;
  };
};

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * A fresh, realistic payment: KHR mostly, some USD with cents, a tenant's
 * own receiving account, one target per payment so confirmations never
 * collide. `unknownShare` of them are left unregistered on purpose.
 */
export function makePayment(
  label: string,
  index: number,
  unknownShare: number,
): Payment {
  const tenantId = BENCH_TENANTS[index % BENCH_TENANTS.length]!;
  const usd = Math.random() < 0.15;
  const minor = usd
    ? 50 + Math.floor(Math.random() * 50_000)
    : (1 + Math.floor(Math.random() * 2000)) * 100;
  const amountText = usd
    ? `"${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}"`
    : String(minor);
  const md5 = createHash('md5').update(hex(16)).digest('hex');
  const hash = hex(32);
  const receiverAccountId = `${tenantId}_shop@devb`;
  const body = makeConfirmation({
    md5,
    hash,
    amount: amountText,
    currency: usd ? 'USD' : 'KHR',
    toAccountId: receiverAccountId,
  });
  return {
    md5,
    hash,
    messageId: `msg_${hex(10)}`,
    body: Buffer.from(body),
    registered: Math.random() >= unknownShare,
    attempt: {
      md5,
      tenantId,
      branchId: `branch_${index % 3}`,
      purpose: Math.random() < 0.9 ? 'SALE' : 'SUBSCRIPTION_INVOICE',
      targetRef: `${label}-${index}-${hex(4)}`,
      attemptRef: null,
      amountMinor: String(minor),
      currency: usd ? 'USD' : 'KHR',
      receiverAccountId,
      issuedAt: null,
      expiresAt: null,
      registeredBy: 'bench',
    },
  };
}

/**
 * Payments for one phase, made before it starts so the load generator only
 * signs. When a phase outruns the estimate, more are made on the fly, left
 * unregistered (they become unknown payments, which the checks count).
 */
export class PaymentPool {
  private readonly made: Payment[] = [];
  private next = 0;

  constructor(
    readonly label: string,
    size: number,
    private readonly unknownShare: number,
  ) {
    for (let i = 0; i < size; i += 1)
      this.made.push(makePayment(label, i, unknownShare));
  }

  get prepared(): readonly Payment[] {
    return this.made;
  }

  take(): Payment {
    if (this.next < this.made.length) return this.made[this.next++]!;
    const extra = makePayment(this.label, this.next++, 1);
    this.made.push(extra);
    return extra;
  }
}

/**
 * Registers the attempts of the pool's registered payments through the
 * gateway's own SQL function, a few thousand per statement.
 */
export async function registerAttempts(
  sql: Sql,
  payments: readonly Payment[],
  routes: DispatchRoutes,
): Promise<number> {
  const attempts = payments.filter((p) => p.registered).map((p) => p.attempt);
  let registered = 0;
  for (let i = 0; i < attempts.length; i += 2000) {
    const chunk = JSON.stringify(attempts.slice(i, i + 2000));
    const [row] = await sql<{ registered: number }[]>`
      select count(*) filter (where r->>'status' = 'registered')::int as registered
      from (
        select register_payment_attempt(a, ${JSON.stringify(routes)}::text::jsonb) as r
        from jsonb_array_elements(${chunk}::text::jsonb) as a
      ) as done
    `;
    registered += row?.registered ?? 0;
  }
  if (registered !== attempts.length) {
    throw new Error(`registered ${registered} of ${attempts.length} attempts`);
  }
  return registered;
}
