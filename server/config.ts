import { z } from 'zod';

const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

/** A Standard Webhooks secret: `whsec_` and the base64 of the key. */
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

const envSchema = z.object({
  PORT: integer(3000, 1, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
    .optional(),
  BAKONG_WEBHOOK_SECRETS: z
    .string()
    .trim()
    .optional()
    .refine(
      (value) =>
        value === undefined ||
        value === '' ||
        value.split(/\s+/).every((secret) => SECRET.test(secret)),
      'must be space-separated secrets of the form whsec_<base64 key>',
    ),
  WEBHOOK_MAX_BODY_BYTES: integer(256 * 1024, 1024, 16 * 1024 * 1024),
  WEBHOOK_READ_TIMEOUT_MS: integer(10_000, 100, 120_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_DATABASE_PORT: integer(54329, 1, 65535),
  GATEWAY_ADMIN_TOKEN: z
    .string()
    .min(
      16,
      'must be at least 16 characters; generate one with `openssl rand -hex 32`',
    )
    .regex(
      /^\S+$/,
      'must not contain spaces (a bearer token cannot carry them)',
    )
    .optional(),
  SESSION_SECRET: z
    .string()
    .min(
      32,
      'must be at least 32 characters; generate one with `openssl rand -base64 48`',
    )
    .optional(),
  DISPATCH_MAX_ATTEMPTS: integer(8, 1, 25),
  WORKER_CONCURRENCY: integer(8, 1, 64),
  WORKER: z.enum(['on', 'off']).default('on'),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional(),
  TRUSTED_PROXIES: z.string().trim().optional(),
  FLOOD_FAILURES_PER_WINDOW: integer(30, 1, 100_000),
  FLOOD_WINDOW_SECONDS: integer(60, 1, 3600),
  RAW_BODY_RETENTION_DAYS: integer(90, 1, 3650),
  REJECTED_RETENTION_DAYS: integer(30, 1, 3650),
});

export type Config = {
  port: number;
  host: string;
  /** Unset means: start the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  /** The raw `whsec_…` secrets; see server/ingest/secrets.ts. */
  webhookSecrets: string[];
  maxBodyBytes: number;
  readTimeoutMs: number;
  logLevel: string;
  dataDir: string;
  /** Where the embedded PostgreSQL listens when `DATABASE_URL` is unset. */
  embeddedDatabasePort: number;
  /**
   * Unset means no caller is the environment admin; see
   * server/auth/authenticate.ts.
   */
  adminToken: string | undefined;
  /**
   * Seals operator session cookies. Unset: the one generated under the data
   * folder for the embedded default, if any; otherwise console sign-in is
   * off and only bearer tokens are accepted.
   */
  sessionSecret: string | undefined;
  /** Runs of one dispatch before it is dead; the queue backs off between. */
  dispatchMaxAttempts: number;
  workerConcurrency: number;
  /** Whether `npm start` runs the dispatch worker in its own process. */
  runWorker: boolean;
  /** Unset: `/api/metrics` is open (bind to a private address). */
  metricsToken: string | undefined;
  /** proxy-addr trust list; unset trusts no proxy: the socket's peer is the caller. */
  trustedProxies: string[];
  /** Unauthenticated failures an address may cause per window before 429. */
  floodFailuresPerWindow: number;
  floodWindowSeconds: number;
  /** Raw bodies of deliveries older than this are pruned by the worker. */
  rawBodyRetentionDays: number;
  /** Rows of refused (never verified) deliveries older than this are deleted. */
  rejectedRetentionDays: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads and checks the environment; every bad value is named at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([, value]) => value !== undefined && value !== '',
    ),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
      ),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    webhookSecrets: e.BAKONG_WEBHOOK_SECRETS
      ? e.BAKONG_WEBHOOK_SECRETS.split(/\s+/)
      : [],
    maxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
    readTimeoutMs: e.WEBHOOK_READ_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    embeddedDatabasePort: e.EMBEDDED_DATABASE_PORT,
    adminToken: e.GATEWAY_ADMIN_TOKEN,
    sessionSecret: e.SESSION_SECRET,
    dispatchMaxAttempts: e.DISPATCH_MAX_ATTEMPTS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    runWorker: e.WORKER === 'on',
    metricsToken: e.METRICS_TOKEN,
    trustedProxies: e.TRUSTED_PROXIES
      ? e.TRUSTED_PROXIES.split(/[\s,]+/).filter(Boolean)
      : [],
    floodFailuresPerWindow: e.FLOOD_FAILURES_PER_WINDOW,
    floodWindowSeconds: e.FLOOD_WINDOW_SECONDS,
    rawBodyRetentionDays: e.RAW_BODY_RETENTION_DAYS,
    rejectedRetentionDays: e.REJECTED_RETENTION_DAYS,
  };
}

let cached: Config | undefined;

/** The process's configuration, read once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
