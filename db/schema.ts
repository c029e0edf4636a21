import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Raw bodies are kept as bytes: `text` and `jsonb` reject NUL. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

const createdAt = () =>
  timestamp({ withTimezone: true, mode: 'string' }).notNull().defaultNow();

/** Checked text instead of enums: new values then need no ALTER TYPE. */
const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export const DELIVERY_OUTCOMES = [
  'accepted',
  'duplicate',
  'quarantined',
  'rejected',
] as const;

export const ANOMALY_KINDS = [
  'quarantined_delivery',
  'conflicting_redelivery',
  'unknown_payment',
  'amount_mismatch',
  'currency_mismatch',
  'receiver_mismatch',
  'superseded_attempt_paid',
  'expired_attempt_paid',
  'double_payment',
  'dispatch_failed',
] as const;

export const PAYMENT_PURPOSES = ['SALE', 'SUBSCRIPTION_INVOICE'] as const;

export const DISPATCH_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'dead',
] as const;

export const ANOMALY_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** The roles a caller can hold; see server/auth/caller.ts. */
export const CALLER_ROLES = ['admin', 'operator', 'viewer', 'service'] as const;

/** One row per payment: the normalized internal event. */
export const events = pgTable(
  'events',
  {
    id: uuid().primaryKey().defaultRandom(),
    provider: text().notNull(),
    kind: text().notNull(),
    /** For a Bakong confirmation: the transaction hash. */
    providerEventId: text().notNull(),
    /** The correlation key: for Bakong, the md5 of the KHQR string. */
    correlationKey: text().notNull(),
    /** Exact amount in minor units (riel, cents). */
    amountMinor: bigint({ mode: 'bigint' }).notNull(),
    currency: text().notNull(),
    receiverAccountId: text().notNull(),
    payerAccountId: text(),
    /** When the payer paid: the event's occurred-at. */
    occurredAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    acknowledgedAt: timestamp({ withTimezone: true, mode: 'string' }),
    /** The whole normalized event, as the handlers will read it. */
    normalized: jsonb().notNull(),
    /** Null until the payment attempt its md5 names is registered. */
    tenantId: text(),
    branchId: text(),
    attemptId: uuid().references(() => paymentAttempts.id),
    resolvedAt: timestamp({ withTimezone: true, mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('events_tenant_created_at_idx').on(
      t.tenantId,
      t.createdAt.desc(),
      t.id.desc(),
    ),
    uniqueIndex('events_one_per_payment').on(
      t.provider,
      t.kind,
      t.providerEventId,
    ),
    index('events_correlation_key_idx').on(t.correlationKey),
    index('events_provider_event_id_idx').on(t.providerEventId),
    index('events_created_at_idx').on(t.createdAt.desc(), t.id.desc()),
  ],
);

/** One row per HTTP attempt, whatever happened to it. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    provider: text().notNull(),
    receivedAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    requestId: text(),
    remoteAddress: text(),
    method: text().notNull(),
    /** Request headers with credentials and cookies removed. */
    headers: jsonb().notNull(),
    /** `webhook-id` as received (cut to 512 characters). */
    messageId: text(),
    /** `webhook-timestamp` when it was well formed. */
    signedAt: timestamp({ withTimezone: true, mode: 'string' }),
    /** The bytes received; for a rejected delivery at most the first 4 KiB. */
    body: bytea(),
    bodyBytes: integer().notNull(),
    bodyTruncated: boolean().notNull().default(false),
    /** sha256 (hex) of every byte read, even when the body was cut. */
    bodySha256: text().notNull(),
    /** sha256 over provider, event type and the RFC 8785 form of the body. */
    fingerprint: text(),
    /** Which configured secret verified the signature: an id, never it. */
    secretId: text(),
    outcome: text().notNull(),
    reason: text(),
    /** What exactly was wrong, for a refused or quarantined delivery. */
    detail: text(),
    statusCode: smallint().notNull(),
    eventId: uuid().references(() => events.id),
    /**
     * For a delivery made by `deliveries.reprocess` (method `REPROCESS`): the
     * stored delivery whose body was run through the parser again.
     */
    reprocessedFrom: uuid().references((): AnyPgColumn => deliveries.id),
    createdAt: createdAt(),
    /**
     * The event's tenant, copied so that a tenant's list is one index range:
     * null with no event (refused, most quarantined) or while the event
     * waits for its payment attempt. Set by `record_delivery`, and by
     * `register_payment_attempt` for a late registration (migration 0008).
     */
    tenantId: text(),
  },
  (t) => [
    check('deliveries_outcome_check', oneOf('outcome', DELIVERY_OUTCOMES)),
    index('deliveries_reprocessed_from_idx').on(t.reprocessedFrom),
    index('deliveries_received_at_idx').on(t.receivedAt.desc(), t.id.desc()),
    index('deliveries_event_id_idx').on(t.eventId),
    index('deliveries_message_id_idx').on(t.messageId),
    index('deliveries_outcome_received_at_idx').on(
      t.outcome,
      t.receivedAt.desc(),
    ),
    index('deliveries_tenant_received_at_idx').on(
      t.tenantId,
      t.receivedAt.desc(),
      t.id.desc(),
    ),
    index('deliveries_body_sha256_idx').on(t.bodySha256),
    index('deliveries_fingerprint_idx').on(t.fingerprint),
  ],
);

/** Something an operator must look at. */
export const anomalies = pgTable(
  'anomalies',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    status: text().notNull().default('open'),
    /** Null until the event's tenant is known. */
    tenantId: text(),
    branchId: text(),
    eventId: uuid().references(() => events.id),
    deliveryId: uuid().references(() => deliveries.id),
    /**
     * What makes two sightings the same problem (the event's id, or the
     * body's sha256 for a quarantined delivery): a repeat while the anomaly
     * is not resolved counts an occurrence instead of opening another.
     */
    subject: text().notNull(),
    /** Expected and received values, and whatever explains the kind. */
    detail: jsonb().notNull().default({}),
    occurrences: integer().notNull().default(1),
    openedAt: createdAt(),
    lastSeenAt: createdAt(),
    acknowledgedAt: timestamp({ withTimezone: true, mode: 'string' }),
    acknowledgedBy: text(),
    resolvedAt: timestamp({ withTimezone: true, mode: 'string' }),
    resolvedBy: text(),
    resolutionNote: text(),
  },
  (t) => [
    check('anomalies_kind_check', oneOf('kind', ANOMALY_KINDS)),
    check('anomalies_status_check', oneOf('status', ANOMALY_STATUSES)),
    uniqueIndex('anomalies_one_open_per_subject')
      .on(t.kind, t.subject)
      .where(sql`status <> 'resolved'`),
    index('anomalies_opened_at_idx').on(t.openedAt.desc(), t.id.desc()),
    index('anomalies_tenant_opened_at_id_idx').on(
      t.tenantId,
      t.openedAt.desc(),
      t.id.desc(),
    ),
    index('anomalies_status_opened_at_id_idx').on(
      t.status,
      t.openedAt.desc(),
      t.id.desc(),
    ),
    index('anomalies_subject_idx').on(t.subject),
    index('anomalies_event_id_idx').on(t.eventId),
    index('anomalies_delivery_id_idx').on(t.deliveryId),
  ],
);

/** What Modula expects to be paid: registered when a KHQR is shown. */
export const paymentAttempts = pgTable(
  'payment_attempts',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** md5 of the whole KHQR string: what a Bakong confirmation names. */
    md5: text().notNull(),
    tenantId: text().notNull(),
    branchId: text(),
    purpose: text().notNull(),
    /** The sale id or invoice id this attempt would pay. */
    targetRef: text().notNull(),
    attemptRef: text(),
    amountMinor: bigint({ mode: 'bigint' }).notNull(),
    currency: text().notNull(),
    receiverAccountId: text().notNull(),
    /** When the QR was shown: the newest attempt of a target supersedes. */
    issuedAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: 'string' }),
    registeredBy: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('payment_attempts_one_per_md5').on(t.md5),
    index('payment_attempts_target_idx').on(
      t.tenantId,
      t.purpose,
      t.targetRef,
      t.issuedAt.desc(),
    ),
    index('payment_attempts_tenant_created_at_idx').on(
      t.tenantId,
      t.createdAt.desc(),
      t.id.desc(),
    ),
    check('payment_attempts_purpose_check', oneOf('purpose', PAYMENT_PURPOSES)),
    check('payment_attempts_amount_check', sql`amount_minor > 0`),
  ],
);

/** One handler's run for one event. */
export const dispatches = pgTable(
  'dispatches',
  {
    id: uuid().primaryKey().defaultRandom(),
    eventId: uuid()
      .notNull()
      .references(() => events.id),
    /** The registry's name for the handler, e.g. `sale-khqr-confirmation`. */
    handler: text().notNull(),
    tenantId: text().notNull(),
    branchId: text(),
    status: text().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull(),
    lastError: text(),
    /** What the handler decided, e.g. {"result":"confirmed"}. */
    outcome: jsonb(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
    startedAt: timestamp({ withTimezone: true, mode: 'string' }),
    finishedAt: timestamp({ withTimezone: true, mode: 'string' }),
    /**
     * When the relay put this dispatch's job in the queue; null while the
     * row waits for it (see server/dispatch/dispatch-relay.ts).
     */
    enqueuedAt: timestamp({ withTimezone: true, mode: 'string' }),
  },
  (t) => [
    uniqueIndex('dispatches_one_per_event_and_handler').on(
      t.eventId,
      t.handler,
    ),
    index('dispatches_tenant_created_at_idx').on(
      t.tenantId,
      t.createdAt.desc(),
      t.id.desc(),
    ),
    index('dispatches_status_created_at_idx').on(t.status, t.createdAt.desc()),
    index('dispatches_awaiting_queue_idx')
      .on(t.createdAt)
      .where(sql`${t.enqueuedAt} is null`),
    check('dispatches_status_check', oneOf('status', DISPATCH_STATUSES)),
  ],
);

/** The business effect: a target paid, at most once. */
export const confirmations = pgTable(
  'confirmations',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: text().notNull(),
    branchId: text(),
    purpose: text().notNull(),
    targetRef: text().notNull(),
    attemptId: uuid()
      .notNull()
      .references(() => paymentAttempts.id),
    eventId: uuid()
      .notNull()
      .references(() => events.id),
    amountMinor: bigint({ mode: 'bigint' }).notNull(),
    currency: text().notNull(),
    paidAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('confirmations_one_per_target').on(
      t.tenantId,
      t.purpose,
      t.targetRef,
    ),
    index('confirmations_event_id_idx').on(t.eventId),
    index('confirmations_attempt_id_idx').on(t.attemptId),
  ],
);

/**
 * Bearer tokens for internal tools. Only the sha256 of a token is kept: a
 * token is 32 random bytes, so a fast hash is enough and a leaked table
 * yields nothing to replay.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    role: text().notNull(),
    /** Null: every tenant (always so for an admin). */
    tenantIds: text().array(),
    tokenSha256: text().notNull(),
    /** The token's first characters, to recognise it in a list. */
    prefix: text().notNull(),
    createdAt: createdAt(),
    createdBy: text().notNull(),
    /** Refreshed at most once a minute per token. */
    lastUsedAt: timestamp({ withTimezone: true, mode: 'string' }),
    revokedAt: timestamp({ withTimezone: true, mode: 'string' }),
    revokedBy: text(),
  },
  (t) => [
    uniqueIndex('api_tokens_one_per_secret').on(t.tokenSha256),
    index('api_tokens_created_at_idx').on(t.createdAt.desc(), t.id.desc()),
    check('api_tokens_role_check', oneOf('role', CALLER_ROLES)),
    check(
      'api_tokens_admin_all_tenants_check',
      sql`role <> 'admin' or tenant_ids is null`,
    ),
  ],
);

/** People who sign in to the console. */
export const operators = pgTable(
  'operators',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Lowercase: `Alice` and `alice` are one operator. */
    username: text().notNull(),
    /** bcrypt, cost 12. */
    passwordHash: text().notNull(),
    role: text().notNull(),
    /** Null: every tenant (always so for an admin). */
    tenantIds: text().array(),
    disabled: boolean().notNull().default(false),
    /**
     * Sealed into each session cookie; raising it (sign-out, new password,
     * disabling) ends every session issued before.
     */
    sessionVersion: integer().notNull().default(0),
    createdAt: createdAt(),
    createdBy: text().notNull(),
    updatedAt: createdAt(),
    lastSignedInAt: timestamp({ withTimezone: true, mode: 'string' }),
  },
  (t) => [
    uniqueIndex('operators_one_per_username').on(t.username),
    index('operators_created_at_idx').on(t.createdAt.desc(), t.id.desc()),
    check('operators_role_check', oneOf('role', CALLER_ROLES)),
    check(
      'operators_admin_all_tenants_check',
      sql`role <> 'admin' or tenant_ids is null`,
    ),
    check('operators_username_check', sql`username ~ '^[a-z0-9._-]{3,64}$'`),
  ],
);

/**
 * What operators and tools did, and sign-ins. Append-only: a trigger
 * (migration 0005) refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: uuid().primaryKey().defaultRandom(),
    at: createdAt(),
    /** environment, token, operator, cli or anonymous (a failed sign-in). */
    actorKind: text().notNull(),
    actorId: text(),
    actorName: text(),
    /** e.g. `dispatch.retry`, `anomaly.resolve`, `auth.sign_in_failed`. */
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    /** The tenant of the row acted on; null for tenantless rows and sign-ins. */
    tenantId: text(),
    note: text(),
    detail: jsonb().notNull().default({}),
  },
  (t) => [
    index('audit_entries_at_idx').on(t.at.desc(), t.id.desc()),
    index('audit_entries_tenant_at_idx').on(
      t.tenantId,
      t.at.desc(),
      t.id.desc(),
    ),
    index('audit_entries_target_idx').on(t.targetType, t.targetId),
  ],
);

/**
 * Refusals past an address's failure budget, one row per address and
 * window instead of one delivery row each (see server/ingest/flood-guard.ts).
 */
export const refusalBursts = pgTable(
  'refusal_bursts',
  {
    id: uuid().primaryKey().defaultRandom(),
    remoteAddress: text().notNull(),
    windowStartedAt: timestamp({
      withTimezone: true,
      mode: 'string',
    }).notNull(),
    lastRefusedAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    /** Requests answered 429 in the window. */
    refused: integer().notNull(),
    /** How many of them failed for each reason. */
    reasons: jsonb().notNull(),
  },
  (t) => [
    uniqueIndex('refusal_bursts_one_per_address_and_window').on(
      t.remoteAddress,
      t.windowStartedAt,
    ),
    index('refusal_bursts_window_started_at_idx').on(t.windowStartedAt.desc()),
  ],
);
