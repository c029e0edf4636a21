import type { Sql } from '../../db/client';

export type SeedOptions = {
  deliveries: number;
  /** Slots per statement batch; a multiple of 100. */
  batch?: number;
  /** How far back the seeded deliveries reach. */
  spanDays?: number;
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
};

export type SeedSummary = {
  deliveries: number;
  durationMs: number;
  salt: string;
};

/**
 * Fills the gateway's tables with realistic history, set-based: each batch
 * is a handful of INSERT … SELECT over generate_series, never one row per
 * round trip. Every delivery is a "slot" i; within each block of 100 slots,
 * 80 are accepted (each a new payment and its event), 12 duplicates of an
 * earlier payment in the block (same message id, as a provider retry),
 * 4 quarantined (two bodies, each sent twice) and 4 rejected. Of the events,
 * 97% resolve to a registered attempt and are dispatched (99.5% succeed,
 * 1% of those on a mismatching amount), 3% stay unknown payments. Tenants
 * are skewed, from 35% of the traffic down to 0.5%, so that a small tenant's
 * filtered list is measured too. Ids are derived from a per-run salt and the
 * slot (md5 cast to uuid), so rows of one slot reference each other without
 * any join, and seeding twice into one database never collides.
 */
export async function seedBulk(
  sql: Sql,
  options: SeedOptions,
): Promise<SeedSummary> {
  const total = options.deliveries;
  const batch = options.batch ?? 100_000;
  if (batch % 100 !== 0)
    throw new Error('the seed batch must be a multiple of 100');
  const salt = Math.random().toString(36).slice(2, 10);
  const spanMs = (options.spanDays ?? 90) * 86_400_000;
  const [clock] = await sql<{ t0: string }[]>`
    select (now() - ${spanMs} * interval '1 millisecond')::text as t0
  `;
  const t0 = clock!.t0;
  const stepMs = spanMs / Math.max(total, 1);
  const started = Date.now();
  for (let lo = 0; lo < total; lo += batch) {
    const hi = Math.min(total, lo + batch);
    await sql.begin(async (tx) => {
      for (const statement of STATEMENTS) {
        await tx.unsafe(statement, [salt, lo, hi, t0, stepMs]);
      }
    });
    options.onProgress?.(hi, total, Date.now() - started);
  }
  for (const table of TABLES) await sql.unsafe(`vacuum analyze ${table}`);
  return { deliveries: total, durationMs: Date.now() - started, salt };
}

const TABLES = [
  'payment_attempts',
  'events',
  'deliveries',
  'dispatches',
  'confirmations',
  'anomalies',
];

/**
 * One row per slot with everything derived from it. Parameters: $1 salt,
 * $2..$3 the slot range, $4 the first slot's time, $5 milliseconds per slot.
 * p1..p8 are independent pseudo-random numbers in 0..999 per slot.
 */
const SLOTS = `
  slots as (
    select i, i % 100 as r,
      $4::timestamptz + (i * $5::float8) * interval '1 millisecond' as t,
      mod(abs(hashint8(i * 16 + 1)::bigint), 1000) as p1,
      mod(abs(hashint8(i * 16 + 2)::bigint), 1000) as p2,
      mod(abs(hashint8(i * 16 + 3)::bigint), 1000) as p3,
      mod(abs(hashint8(i * 16 + 4)::bigint), 1000) as p4,
      mod(abs(hashint8(i * 16 + 5)::bigint), 1000) as p5,
      mod(abs(hashint8(i * 16 + 6)::bigint), 1000) as p6,
      mod(abs(hashint8(i * 16 + 7)::bigint), 1000) as p7,
      mod(abs(hashint8(i * 16 + 8)::bigint), 1000) as p8
    from generate_series($2::bigint, $3::bigint - 1) as i
  ),
  payments as (
    select s.*,
      md5($1 || ':e:' || i)::uuid as event_id,
      md5($1 || ':a:' || i)::uuid as attempt_id,
      md5($1 || ':d:' || i)::uuid as dispatch_id,
      md5($1 || ':v:' || i)::uuid as delivery_id,
      md5($1 || ':p:' || i) as md5,
      encode(sha256(convert_to($1 || ':h:' || i, 'UTF8')), 'hex') as hash,
      'msg_' || substr(md5($1 || ':m:' || i), 1, 20) as message_id,
      'tenant_' || case
        when p1 < 350 then '01' when p1 < 550 then '02' when p1 < 700 then '03'
        when p1 < 800 then '04' when p1 < 880 then '05' when p1 < 940 then '06'
        when p1 < 980 then '07' when p1 < 995 then '08' else '09' end as tenant_id,
      'branch_' || (p2 % 5) as branch_id,
      p3 >= 30 as resolved,
      case when p4 < 900 then 'SALE' else 'SUBSCRIPTION_INVOICE' end as purpose,
      case when p5 < 850 then 'KHR' else 'USD' end as currency,
      case when p5 < 850 then (p6 + 1) * 100 else 50 + p6 * 37 end as amount_minor,
      case when p7 < 5 then 'dead' else 'succeeded' end as dispatch_status,
      p8 < 10 as mismatch
    from slots s
  )`;

const STATEMENTS = [
  // Attempts: one per resolved payment, and unpaid ones (a QR shown, never
  // paid) on the slots that carry no payment.
  `with ${SLOTS}
  insert into payment_attempts (
    id, md5, tenant_id, branch_id, purpose, target_ref, amount_minor, currency,
    receiver_account_id, issued_at, expires_at, registered_by, created_at
  )
  select
    case when r < 80 then attempt_id else md5($1 || ':u:' || i)::uuid end,
    case when r < 80 then md5 else md5($1 || ':q:' || i) end,
    tenant_id, branch_id, purpose, lower(purpose) || '_' || $1 || '_' || i,
    amount_minor, currency, tenant_id || '_shop@devb',
    t - interval '60 seconds', t + interval '15 minutes', 'seed', t - interval '60 seconds'
  from payments where (r < 80 and resolved) or r >= 92`,

  `with ${SLOTS}
  insert into events (
    id, provider, kind, provider_event_id, correlation_key, amount_minor,
    currency, receiver_account_id, payer_account_id, occurred_at,
    acknowledged_at, normalized, created_at, tenant_id, branch_id, attempt_id,
    resolved_at
  )
  select
    event_id, 'BAKONG', 'PAYMENT_CONFIRMED', hash, md5, amount_minor, currency,
    tenant_id || '_shop@devb', 'abaakhppxxx@abaa', t - interval '3 seconds',
    t - interval '2 seconds',
    jsonb_build_object(
      'provider', 'BAKONG', 'kind', 'PAYMENT_CONFIRMED', 'providerEventId', hash,
      'correlation', jsonb_build_object('type', 'khqr_md5', 'key', md5),
      'proof', jsonb_build_object(
        'amountMinor', amount_minor::text, 'amountText', amount_minor::text,
        'currency', currency, 'receiverAccountId', tenant_id || '_shop@devb',
        'payerAccountId', 'abaakhppxxx@abaa', 'hash', hash,
        'createdAt', t - interval '3 seconds',
        'acknowledgedAt', t - interval '2 seconds'),
      'occurredAt', t - interval '3 seconds'),
    t,
    case when resolved then tenant_id end,
    case when resolved then branch_id end,
    case when resolved then attempt_id end,
    case when resolved then t end
  from payments where r < 80`,

  // Deliveries: a duplicate repeats the accepted slot j of its block (j < i,
  // so it came later) with j's body and message id, as a provider's retry.
  `with ${SLOTS}, shaped as (
    select p.*,
      case when r < 80 then i
           when r < 92 then i - r + mod((r - 80) * 7, 80) end as origin,
      case when r < 80 then 'accepted' when r < 92 then 'duplicate'
           when r < 96 then 'quarantined' else 'rejected' end as outcome
    from payments p
  ), bodied as (
    select s.i, s.r, s.t, s.p7, s.delivery_id, s.outcome, o.event_id,
      -- The event's tenant, as record_delivery copies it: none while the
      -- payment is unknown, and none without an event.
      case when o.resolved then o.tenant_id end as tenant_id,
      coalesce(o.message_id, case when s.outcome = 'rejected'
        then 'msg_forged_' || s.i
        else 'msg_' || substr(md5($1 || ':m:' || s.i), 1, 20) end) as message_id,
      convert_to(case
        when o.i is not null then format(
          '{"eventId":"evt_%s","eventType":"bakong.transaction.confirmed",'
          '"provider":"BAKONG","md5":"%s","sentAtMs":%s,"responseCode":0,'
          '"responseMessage":"Getting transaction successfully.","errorCode":null,'
          '"data":{"hash":"%s","fromAccountId":"abaakhppxxx@abaa",'
          '"toAccountId":"%s_shop@devb","currency":"%s","amount":%s,'
          '"description":"POS-%s","createdDateMs":%s,"acknowledgedDateMs":%s,'
          '"trackingStatus":null,"receiverBank":null,"receiverBankAccount":null,'
          '"instructionRef":null,"externalRef":"100FT%s"}}',
          substr(md5($1 || ':x:' || o.i), 1, 12), o.md5,
          (extract(epoch from o.t) * 1000)::bigint, o.hash, o.tenant_id,
          o.currency,
          case when o.currency = 'KHR' then o.amount_minor::text
               else '"' || to_char(o.amount_minor / 100.0, 'FM999990.00') || '"' end,
          lpad((o.i % 1000000)::text, 6, '0'),
          (extract(epoch from o.t) * 1000)::bigint - 3000,
          (extract(epoch from o.t) * 1000)::bigint - 2000,
          substr(md5($1 || ':y:' || o.i), 1, 10))
        when s.outcome = 'quarantined' then format(
          '{"eventId":"evt_%s","eventType":"bakong.transaction.reversed",'
          '"provider":"BAKONG","md5":"%s","responseCode":0,"data":{}}',
          substr(md5($1 || ':x:' || (s.i - s.r % 2)), 1, 12),
          md5($1 || ':q:' || (s.i - s.r % 2)))
        else format('{"eventId":"evt_forged_%s","md5":"%s"}',
          substr(md5($1 || ':x:' || s.i), 1, 12), md5($1 || ':f:' || s.i))
      end, 'UTF8') as body,
      coalesce(o.i, s.i - s.r % 2) as fingerprinted
    from shaped s left join payments o on o.i = s.origin
  )
  insert into deliveries (
    id, provider, received_at, request_id, remote_address, method, headers,
    message_id, signed_at, body, body_bytes, body_truncated, body_sha256,
    fingerprint, secret_id, outcome, reason, detail, status_code, event_id,
    tenant_id, created_at
  )
  select
    delivery_id, 'BAKONG', t, md5($1 || ':r:' || i)::uuid::text,
    '203.0.113.' || (i % 250), 'POST',
    jsonb_build_object(
      'host', 'gateway.modula.example', 'content-type', 'application/json',
      'content-length', length(body)::text, 'user-agent', 'bakong-relay/2.3',
      'webhook-id', message_id,
      'webhook-timestamp', (extract(epoch from t))::bigint::text,
      'x-request-id', md5($1 || ':r:' || i)::uuid::text),
    message_id, t - interval '1 second', body, length(body), false,
    encode(sha256(body), 'hex'),
    case when outcome <> 'rejected' then encode(sha256(convert_to(
      $1 || ':fp:' || fingerprinted, 'UTF8')), 'hex') end,
    case when outcome <> 'rejected' then 'key_3f9a1c0b7d2e' end,
    outcome,
    case outcome when 'quarantined' then 'unsupported_event_type'
                 when 'rejected' then case when p7 < 700 then 'signature_mismatch'
                                           else 'timestamp_out_of_tolerance' end end,
    case when outcome = 'quarantined'
         then 'eventType "bakong.transaction.reversed" is not handled' end,
    case outcome when 'quarantined' then 202 when 'rejected' then 401 else 200 end,
    event_id, tenant_id, t
  from bodied`,

  `with ${SLOTS}
  insert into dispatches (
    id, event_id, handler, tenant_id, branch_id, status, attempts, max_attempts,
    last_error, outcome, created_at, updated_at, started_at, finished_at
  )
  select
    dispatch_id, event_id,
    case when purpose = 'SALE' then 'sale-khqr-confirmation'
         else 'subscription-invoice-confirmation' end,
    tenant_id, branch_id, dispatch_status,
    case when dispatch_status = 'dead' then 8 else 1 end, 8,
    case when dispatch_status = 'dead' then 'connect ETIMEDOUT 10.0.4.12:5432' end,
    case when dispatch_status = 'dead' then null
         when mismatch then '{"result":"mismatch","anomalies":["amount_mismatch"]}'::jsonb
         else jsonb_build_object('result', 'confirmed',
                                 'confirmationId', md5($1 || ':c:' || i)::uuid,
                                 'anomalies', '[]'::jsonb) end,
    t, t + interval '45 milliseconds', t + interval '20 milliseconds',
    t + interval '45 milliseconds'
  from payments where r < 80 and resolved`,

  `with ${SLOTS}
  insert into confirmations (
    id, tenant_id, branch_id, purpose, target_ref, attempt_id, event_id,
    amount_minor, currency, paid_at, created_at
  )
  select
    md5($1 || ':c:' || i)::uuid, tenant_id, branch_id, purpose,
    lower(purpose) || '_' || $1 || '_' || i, attempt_id, event_id, amount_minor,
    currency, t - interval '3 seconds', t + interval '45 milliseconds'
  from payments
  where r < 80 and resolved and dispatch_status = 'succeeded' and not mismatch`,

  // Anomalies: unknown payments, quarantined bodies (one per body, seen
  // twice), dead dispatches and amount mismatches; most of the old ones
  // resolved or acknowledged by an operator, as a console would show them.
  `with ${SLOTS}, raised as (
    select i, t, p2, 'unknown_payment' as kind, null as tenant_id, null as branch_id,
      event_id, delivery_id, event_id::text as subject, 1 as occurrences,
      jsonb_build_object('expected', jsonb_build_object('md5', md5)) as detail
    from payments where r < 80 and not resolved
    union all
    select i, t, p2, 'quarantined_delivery', null, null, null,
      md5($1 || ':v:' || (i + 1))::uuid, md5($1 || ':b:' || i), 2,
      '{"reason":"unsupported_event_type"}'::jsonb
    from payments where r in (92, 94)
    union all
    select i, t, p2, 'dispatch_failed', tenant_id, branch_id, event_id, null,
      dispatch_id::text, 1, jsonb_build_object('dispatchId', dispatch_id, 'attempts', 8)
    from payments where r < 80 and resolved and dispatch_status = 'dead'
    union all
    select i, t, p2, 'amount_mismatch', tenant_id, branch_id, event_id, null,
      event_id::text, 1,
      jsonb_build_object('expected', amount_minor + 100, 'received', amount_minor)
    from payments
    where r < 80 and resolved and dispatch_status = 'succeeded' and mismatch
  )
  insert into anomalies (
    kind, status, tenant_id, branch_id, event_id, delivery_id, subject, detail,
    occurrences, opened_at, last_seen_at, acknowledged_at, acknowledged_by,
    resolved_at, resolved_by, resolution_note
  )
  select
    kind, status, tenant_id, branch_id, event_id, delivery_id, subject, detail,
    occurrences, t, t + interval '1 minute',
    case when status <> 'open' then t + interval '2 hours' end,
    case when status <> 'open' then 'operator_' || (p2 % 7) end,
    case when status = 'resolved' then t + interval '1 day' end,
    case when status = 'resolved' then 'operator_' || (p2 % 7) end,
    case when status = 'resolved' then 'checked with the branch' end
  from (
    select r.*, case when p2 < 550 then 'resolved' when p2 < 800 then 'acknowledged'
                     else 'open' end as status
    from raised r
  ) as graded`,
];
