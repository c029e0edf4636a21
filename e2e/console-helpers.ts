import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { type APIRequestContext, expect, type Page } from '@playwright/test';
import postgres from 'postgres';

import { TEST_SECRETS } from '../test/secrets';
import type { ConsoleUser } from './console-users';
import { E2E_ADMIN_TOKEN } from './global-setup';

const run = promisify(execFile);

export const baseUrl = () => process.env.E2E_BASE_URL!;

export const newMd5 = () => randomBytes(16).toString('hex');

/** Signs `user` in through the form; lands on `next` (the overview by default). */
export async function signIn(page: Page, user: ConsoleUser, next?: string) {
  const query = next === undefined ? '' : `?next=${encodeURIComponent(next)}`;
  await page.goto(`/sign-in${query}`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(`Signed in as ${user.username}`)).toBeAttached();
}

/** Registers the KHQR a till would show, as the POS does, over HTTP. */
export async function registerAttempt(
  request: APIRequestContext,
  input: {
    md5: string;
    tenantId: string;
    amount?: string;
    currency?: 'KHR' | 'USD';
  },
) {
  const response = await request.post('/api/trpc/paymentAttempts.register', {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: {
      md5: input.md5,
      tenantId: input.tenantId,
      branchId: 'riverside',
      purpose: 'SALE',
      targetRef: `sale-${input.md5.slice(0, 10)}`,
      amount: input.amount ?? '25000',
      currency: input.currency ?? 'KHR',
      receiverAccountId: 'demo_cafe@devb',
    },
  });
  expect(response.status()).toBe(200);
}

/**
 * Sends signed deliveries with the project's own tool, `npm run send`,
 * exactly as an engineer would from a terminal.
 */
export async function sendDeliveries(options: {
  count?: number;
  md5?: string;
  amount?: string;
  currency?: 'KHR' | 'USD';
  duplicates?: number;
}) {
  const args = [
    'run',
    'send',
    '--',
    '--url',
    baseUrl(),
    '--secret',
    TEST_SECRETS[0]!,
    '--count',
    String(options.count ?? 1),
    '--duplicates',
    String(options.duplicates ?? 0),
    '--quiet',
  ];
  if (options.md5) args.push('--md5', options.md5);
  if (options.amount) args.push('--amount', options.amount);
  if (options.currency) args.push('--currency', options.currency);
  const { stdout } = await run('npm', args, { timeout: 60_000 });
  expect(stdout).toMatch(/^sent \d+ to /m);
  return stdout;
}

/** A short-lived connection to the app's database, for set-up only. */
export async function withSql<T>(
  use: (sql: postgres.Sql) => Promise<T>,
): Promise<T> {
  const sql = postgres(process.env.E2E_DATABASE_URL!, {
    max: 1,
    onnotice: () => {},
  });
  try {
    return await use(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Waits until the handler of the payment with `md5` has finished. */
export async function waitForDispatch(md5: string, status = 'succeeded') {
  await expect
    .poll(
      () =>
        withSql(async (sql) => {
          const rows = await sql<{ status: string }[]>`
            select x.status from dispatches x join events e on e.id = x.event_id
            where e.correlation_key = ${md5}
          `;
          return rows.map((row) => row.status).join(',');
        }),
      { timeout: 20_000 },
    )
    .toBe(status);
}

/** The newest delivery of the payment with `md5`. */
export async function deliveryIdOf(md5: string): Promise<string> {
  return withSql(async (sql) => {
    const [row] = await sql<{ id: string }[]>`
      select d.id from deliveries d join events e on e.id = d.event_id
      where e.correlation_key = ${md5}
      order by d.received_at desc limit 1
    `;
    if (!row) throw new Error(`no delivery for md5 ${md5}`);
    return row.id;
  });
}
