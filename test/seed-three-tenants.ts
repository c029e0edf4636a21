import type { Sql } from '../db/client';

/** The tenants the seed spreads its rows over; a quarter of events have none. */
export const SEEDED_TENANTS = ['tenant-a', 'tenant-b', 'tenant-c'] as const;

/**
 * Several thousand linked rows over three tenants, in a handful of set-based
 * statements: 3000 events (one in four not yet resolved), their deliveries
 * with duplicates, 400 tenantless refused or quarantined deliveries,
 * dispatches, anomalies, payment attempts and audit entries. Times fall in
 * the last six hours and come in groups of three equal instants, so that
 * paging has to break ties by id.
 */
export async function seedThreeTenants(sql: Sql): Promise<void> {
  await sql.unsafe(`
    create temporary table seed_base as select now() - interval '1 minute' as base;

    insert into events (
      provider, kind, provider_event_id, correlation_key, amount_minor, currency,
      receiver_account_id, payer_account_id, occurred_at, normalized, tenant_id, branch_id,
      resolved_at, created_at
    )
    select 'BAKONG', 'PAYMENT_CONFIRMED', md5('hash' || i), md5('md5' || i), 100 + i,
           case when i % 3 = 0 then 'USD' else 'KHR' end, 'shop@devb',
           'payer' || i || '@aba', t, jsonb_build_object('proof', jsonb_build_object(
             'payerAccountId', 'payer' || i || '@aba')),
           (array[null, 'tenant-a', 'tenant-b', 'tenant-c'])[i % 4 + 1],
           'branch-' || (i % 2),
           case when i % 4 = 0 then null else t end, t
    from generate_series(1, 3000) i, seed_base,
         lateral (select base - (i / 3) * interval '20 seconds' as t) at_time;

    insert into payment_attempts (
      md5, tenant_id, branch_id, purpose, target_ref, amount_minor, currency,
      receiver_account_id, issued_at, registered_by, created_at
    )
    select correlation_key, tenant_id, branch_id, 'SALE', 'sale-' || provider_event_id,
           amount_minor, currency, receiver_account_id, created_at, 'seed', created_at
    from events where tenant_id is not null;

    insert into deliveries (
      provider, received_at, method, headers, message_id, body, body_bytes, body_sha256,
      secret_id, outcome, status_code, event_id, tenant_id
    )
    select 'BAKONG', e.created_at, 'POST', '{}'::jsonb, 'msg_' || e.provider_event_id || '_' || n,
           convert_to('{}', 'UTF8'), 2, md5(e.id::text || n) || md5(e.id::text),
           'key_seed', case n when 1 then 'accepted' else 'duplicate' end, 200, e.id,
           e.tenant_id
    from events e, generate_series(1, 2) n
    where n = 1 or e.amount_minor % 5 = 0;

    insert into deliveries (
      provider, received_at, method, headers, message_id, body, body_bytes, body_sha256,
      secret_id, outcome, reason, status_code
    )
    select 'BAKONG', base - (i / 3) * interval '53 seconds', 'POST', '{}'::jsonb, 'msg_bad_' || i,
           convert_to('{', 'UTF8'), 1, md5('bad' || i) || md5('bad' || i),
           case when i % 2 = 0 then 'key_seed' end,
           case when i % 2 = 0 then 'quarantined' else 'rejected' end,
           case when i % 2 = 0 then 'invalid_json' else 'signature_mismatch' end,
           case when i % 2 = 0 then 202 else 401 end
    from generate_series(1, 400) i, seed_base;

    insert into dispatches (
      event_id, handler, tenant_id, branch_id, status, attempts, max_attempts, created_at,
      updated_at
    )
    select id, 'sale-khqr-confirmation', tenant_id, branch_id,
           (array['pending', 'running', 'succeeded', 'failed', 'dead'])[amount_minor % 5 + 1],
           1, 3, created_at + interval '1 second', created_at + interval '1 second'
    from events where tenant_id is not null;

    insert into anomalies (kind, status, tenant_id, branch_id, event_id, subject, detail, opened_at)
    select (array['amount_mismatch', 'unknown_payment', 'double_payment'])[amount_minor % 3 + 1],
           (array['open', 'acknowledged', 'resolved'])[(amount_minor / 7) % 3 + 1],
           tenant_id, branch_id, id, id::text,
           jsonb_build_object('received', jsonb_build_object('payerAccountId', payer_account_id)),
           created_at
    from events where amount_minor % 7 = 0;

    insert into anomalies (kind, tenant_id, delivery_id, subject, opened_at)
    select 'quarantined_delivery', null, id, body_sha256, received_at
    from deliveries where outcome = 'quarantined';

    insert into audit_entries (actor_kind, actor_id, actor_name, action, target_type,
                               target_id, tenant_id, at)
    select 'token', 'tok_seed', 'seed', 'anomaly.acknowledge', 'anomaly', gen_random_uuid()::text,
           (array[null, 'tenant-a', 'tenant-b', 'tenant-c'])[i % 4 + 1],
           base - (i / 2) * interval '31 seconds'
    from generate_series(1, 600) i, seed_base;

    drop table seed_base;
    analyze;
  `);
}
