import { expect, test } from '@playwright/test';

import {
  deliveryIdOf,
  newMd5,
  registerAttempt,
  sendDeliveries,
  signIn,
  waitForDispatch,
  withSql,
} from './console-helpers';
import { CONSOLE_USERS, TENANT_A, TENANT_B } from './console-users';

const { admin, operatorA, viewerA } = CONSOLE_USERS;

// Debian's Chromium at the size of the laptops ops work from.
test.use({ viewport: { width: 1366, height: 768 } });

/** Pages of the console, saved for a look when E2E_SCREENSHOTS is set. */
async function keep(page: import('@playwright/test').Page, name: string) {
  if (process.env.E2E_SCREENSHOTS) {
    await page.screenshot({
      path: `test-results/screens/${name}.png`,
      fullPage: false,
    });
  }
}

test('an operator signs in, sees the overview, and signs out', async ({
  page,
}) => {
  await page.goto('/deliveries');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdeliveries/);

  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Wrong username or password' }),
  ).toBeVisible();

  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Deliveries' }),
  ).toBeVisible();

  await page.getByRole('link', { name: /^Overview/ }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Overview' }),
  ).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Deliveries over time' }),
  ).toBeVisible();
  await expect(
    page.getByRole('img', { name: /Deliveries by outcome per/ }),
  ).toBeVisible();
  await keep(page, 'overview');

  // Times can be read in the pilot's zone; the choice stays in this browser.
  const zone = page.getByRole('combobox', { name: 'Times in' });
  await zone.selectOption('Asia/Phnom_Penh');
  await page.reload();
  await expect(zone).toHaveValue('Asia/Phnom_Penh');
  // From the top of a fresh page the first Tab reaches the skip link.
  await page.keyboard.press('Tab');
  await expect(
    page.getByRole('link', { name: 'Skip to content' }),
  ).toBeFocused();
  await expect(zone.locator('option:checked')).toHaveText(
    /Phnom Penh \(UTC\+7\)/,
  );

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You are signed out.')).toBeVisible();
  await page.goto('/anomalies');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fanomalies/);
});

test('a delivery found by md5 from the search box leads to its event and dispatch', async ({
  page,
  request,
}) => {
  const md5 = newMd5();
  await registerAttempt(request, { md5, tenantId: TENANT_A });
  // Some traffic around it, then the customer's payment.
  await sendDeliveries({ count: 4, duplicates: 0.3 });
  await sendDeliveries({ md5 });
  await waitForDispatch(md5);

  await signIn(page, admin);
  const search = page.getByRole('searchbox', { name: /Find a payment by md5/ });
  await search.fill(md5);
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/deliveries\\?q=${md5}`));
  const rows = page.getByRole('row').filter({ hasText: md5 });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Accepted');
  await keep(page, 'deliveries');

  await rows.first().getByRole('link').first().click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Delivery' }),
  ).toBeVisible();
  await expect(page.getByText('Signature verified')).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Body' }).locator('pre'),
  ).toContainText(`"md5": "${md5}"`);
  await expect(page.getByRole('region', { name: 'Headers' })).toContainText(
    'webhook-id',
  );
  await expect(
    page.getByRole('region', { name: 'Payment event' }),
  ).toContainText('KHR 25,000');
  await keep(page, 'delivery');

  await page.getByRole('link', { name: 'Open the event' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Payment of KHR 25,000' }),
  ).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Dispatches' });
  await expect(timeline).toContainText('sale-khqr-confirmation');
  await expect(timeline).toContainText('Succeeded');
  await expect(
    page.getByRole('region', { name: /Deliveries \(1\)/ }),
  ).toBeVisible();
  await keep(page, 'event');

  await timeline.getByRole('link', { name: /in the dispatch list/ }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Dispatches' }),
  ).toBeVisible();
  const dispatchRows = page
    .getByRole('row')
    .filter({ hasText: 'sale-khqr-confirmation' });
  await expect(dispatchRows).toHaveCount(1);
  await expect(dispatchRows.first()).toContainText('Succeeded');

  // And back again: the dispatch names its event, the event its delivery.
  await dispatchRows.first().getByRole('link', { name: 'Event' }).click();
  await page
    .getByRole('region', { name: /Deliveries \(1\)/ })
    .getByRole('link')
    .first()
    .click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Delivery' }),
  ).toBeVisible();
});

test('an anomaly resolved with a note shows in the audit log', async ({
  page,
  request,
}) => {
  const md5 = newMd5();
  await registerAttempt(request, { md5, tenantId: TENANT_A, amount: '25000' });
  await sendDeliveries({ md5, amount: '20000' });
  await waitForDispatch(md5);

  await signIn(page, operatorA, `/anomalies?q=${md5}`);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Anomalies' }),
  ).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'Amount mismatch' });
  await expect(row).toHaveCount(1);
  await keep(page, 'anomalies');

  await row.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve: Amount mismatch' });
  await expect(dialog).toContainText(
    'does not refund, confirm or change any payment',
  );
  const note = `Branch collected the missing 5,000 riel in cash (${md5.slice(0, 6)}).`;
  await dialog.getByLabel(/How was it resolved/).fill(note);
  await dialog.getByRole('button', { name: 'Resolve' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('status').filter({ hasText: 'resolved' }),
  ).toBeVisible();
  await expect(
    page.getByRole('row').filter({ hasText: 'Amount mismatch' }),
  ).toHaveCount(0);

  await page.getByRole('button', { name: 'Resolved' }).click();
  await expect(
    page.getByRole('row').filter({ hasText: 'Amount mismatch' }),
  ).toContainText(operatorA.username);

  await page.getByRole('link', { name: /^Audit log/ }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Audit log' }),
  ).toBeVisible();
  const entry = page.getByRole('row').filter({ hasText: note });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Anomaly resolved');
  await expect(entry).toContainText(operatorA.username);
  await keep(page, 'audit');

  await entry.getByRole('link').click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Amount mismatch' }),
  ).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Where it stands' }),
  ).toContainText(note);
  await keep(page, 'anomaly');
});

test('a dead dispatch is retried from the console and succeeds', async ({
  page,
  request,
}) => {
  const md5 = newMd5();
  await registerAttempt(request, { md5, tenantId: TENANT_A });
  await sendDeliveries({ md5 });
  await waitForDispatch(md5);
  // The pilot handlers almost never die; make this one look as if it had
  // run out of attempts while the POS was down.
  await withSql(
    (sql) => sql`
      update dispatches x set status = 'dead', attempts = x.max_attempts,
             last_error = 'connect ECONNREFUSED: the POS was unreachable',
             finished_at = now(), updated_at = now()
      from events e where e.id = x.event_id and e.correlation_key = ${md5}
    `,
  );

  await signIn(page, operatorA, `/dispatches?status=dead&q=${md5}`);
  const row = page
    .getByRole('row')
    .filter({ hasText: 'sale-khqr-confirmation' });
  await expect(row).toContainText('Dead');
  await expect(row).toContainText('the POS was unreachable');
  await keep(page, 'dispatches-dead');

  await row.getByRole('button', { name: 'Retry' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry this dispatch' });
  await expect(dialog).toContainText('runs again for this payment');
  await dialog.getByLabel(/Note for the audit log/).fill('POS is back up');
  await dialog.getByRole('button', { name: 'Retry now' }).click();
  await expect(dialog).toBeHidden();

  // Off the dead filter, the same dispatch runs again and succeeds.
  await page.getByRole('combobox', { name: 'Status' }).selectOption('');
  await expect(page).not.toHaveURL(/status=dead/);
  await expect(
    page.getByRole('row').filter({ hasText: 'sale-khqr-confirmation' }),
  ).toContainText('Succeeded', { timeout: 20_000 });
});

test('a viewer of tenant A sees nothing of tenant B and no action buttons', async ({
  page,
  request,
}) => {
  const md5A = newMd5();
  const md5B = newMd5();
  const mismatchA = newMd5();
  await registerAttempt(request, { md5: md5A, tenantId: TENANT_A });
  await registerAttempt(request, { md5: md5B, tenantId: TENANT_B });
  await registerAttempt(request, { md5: mismatchA, tenantId: TENANT_A });
  await sendDeliveries({ md5: md5A });
  await sendDeliveries({ md5: md5B });
  await sendDeliveries({ md5: mismatchA, amount: '100' });
  await Promise.all([md5A, md5B, mismatchA].map((md5) => waitForDispatch(md5)));

  await signIn(page, viewerA);
  await expect(page.getByRole('link', { name: /^Audit log/ })).toHaveCount(0);
  const picker = page.getByRole('combobox', { name: 'Tenant' });
  await expect(picker.locator('option')).toHaveText([
    'All my tenants (1)',
    TENANT_A,
  ]);

  await page.goto('/deliveries');
  await expect(page.getByRole('row').filter({ hasText: md5A })).toHaveCount(1);
  await expect(page.getByText(md5B)).toHaveCount(0);
  await expect(page.getByText(TENANT_B)).toHaveCount(0);

  await page.goto(`/deliveries?q=${md5B}`);
  await expect(
    page.getByText('No deliveries match these filters'),
  ).toBeVisible();

  await page.goto(`/deliveries/${await deliveryIdOf(md5B)}`);
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: 'belongs to a tenant you cannot see' }),
  ).toBeVisible();

  await page.goto(`/deliveries/${await deliveryIdOf(md5A)}`);
  await expect(page.getByText('Withheld from viewers: a body')).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Reprocess delivery' }),
  ).toHaveCount(0);
  await page.getByRole('link', { name: 'Open the event' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: /Payment of/ }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Dispatches' })).toContainText(
    'Succeeded',
  );
  await expect(page.getByRole('button', { name: 'Replay event' })).toHaveCount(
    0,
  );
  await expect(
    page.getByRole('button', { name: 'Retry', exact: true }),
  ).toHaveCount(0);

  await page.goto(`/anomalies?q=${mismatchA}`);
  await expect(
    page.getByRole('row').filter({ hasText: 'Amount mismatch' }),
  ).toHaveCount(1);
  await expect(
    page.getByRole('button', { name: 'Acknowledge', exact: true }),
  ).toHaveCount(0);
  await expect(
    page.getByRole('button', { name: 'Resolve', exact: true }),
  ).toHaveCount(0);
  await page.goto('/anomalies?status=all');
  await expect(page.getByText(TENANT_B)).toHaveCount(0);

  await page.goto('/dispatches');
  await expect(page.getByRole('columnheader', { name: 'Action' })).toHaveCount(
    0,
  );
  await expect(page.getByText(md5B)).toHaveCount(0);
  await keep(page, 'viewer-dispatches');
});

test('amounts show in their currency: riel without decimals, dollars with two', async ({
  page,
  request,
}) => {
  const dollars = newMd5();
  await registerAttempt(request, {
    md5: dollars,
    tenantId: TENANT_A,
    amount: '4.50',
    currency: 'USD',
  });
  await sendDeliveries({ md5: dollars, amount: '4.5', currency: 'USD' });
  await waitForDispatch(dollars);

  await signIn(page, operatorA, `/events?q=${dollars}`);
  await expect(
    page.getByRole('row').filter({ hasText: dollars }),
  ).toContainText('USD 4.50');
  await page.goto('/attempts');
  await expect(
    page.getByRole('row').filter({ hasText: dollars }),
  ).toContainText('USD 4.50');
  await expect(
    page.getByRole('row').filter({ hasText: 'KHR 25,000' }).first(),
  ).toBeVisible();
});

test('a shared URL with filters opens the same view', async ({
  page,
  browser,
  request,
}) => {
  const md5 = newMd5();
  await registerAttempt(request, { md5, tenantId: TENANT_A });
  await sendDeliveries({ md5 });
  await waitForDispatch(md5);

  await signIn(page, admin);
  await page.getByRole('link', { name: /^Deliveries/ }).click();
  await page
    .getByRole('combobox', { name: 'Outcome' })
    .selectOption('accepted');
  await page.getByRole('combobox', { name: 'Received' }).selectOption('24h');
  await page.getByLabel('Search', { exact: true }).fill(md5);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/outcome=accepted/);
  await expect(page).toHaveURL(new RegExp(`q=${md5}`));
  await expect(page.getByRole('row').filter({ hasText: md5 })).toHaveCount(1);
  const shared = new URL(page.url());

  // A colleague in another browser opens the link, signs in, and sees it.
  const other = await browser.newContext({
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1366, height: 768 },
  });
  try {
    const colleague = await other.newPage();
    await colleague.goto(`${shared.pathname}${shared.search}`);
    await expect(colleague).toHaveURL(/\/sign-in\?next=/);
    await colleague.getByLabel('Username').fill(operatorA.username);
    await colleague.getByLabel('Password').fill(operatorA.password);
    await colleague.getByRole('button', { name: 'Sign in' }).click();
    await expect(colleague).toHaveURL(
      `${shared.origin}${shared.pathname}${shared.search}`,
    );
    await expect(
      colleague.getByRole('combobox', { name: 'Outcome' }),
    ).toHaveValue('accepted');
    await expect(
      colleague.getByRole('combobox', { name: 'Received' }),
    ).toHaveValue('24h');
    await expect(colleague.getByLabel('Search', { exact: true })).toHaveValue(
      md5,
    );
    await expect(
      colleague.getByRole('row').filter({ hasText: md5 }),
    ).toHaveCount(1);
  } finally {
    await other.close();
  }
});

test('the main pages, for a look at a laptop screen', async ({ page }) => {
  test.skip(
    !process.env.E2E_SCREENSHOTS,
    'set E2E_SCREENSHOTS=1 to save the pages as PNGs',
  );
  await signIn(page, admin);
  for (const [path, name] of [
    ['/', 'overview-with-data'],
    ['/events', 'events'],
    ['/attempts', 'attempts'],
    ['/anomalies?status=all', 'anomalies-all'],
  ] as const) {
    await page.goto(path);
    await expect(
      page.getByRole('table').or(page.getByRole('img')),
    ).toBeVisible();
    await keep(page, name);
  }
});
