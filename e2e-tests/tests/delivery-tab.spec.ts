import { expect, test } from '@playwright/test';
import { openEntity, signInAsGuest } from './helpers';

test('a component shows its Delivery tab with the Gantry overview and pipeline', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openEntity(page, 'Checkout');

  await page.getByRole('link', { name: 'Delivery', exact: true }).click();
  await expect(page).toHaveURL(/\/delivery$/);
  await expect(
    page.getByText(/of 6 delivery capabilities ready for Checkout/),
  ).toBeVisible();
  // the demo's Prometheus (started with the portal) feeds the SLO card
  await expect(
    page
      .getByTestId('slo-checkout-requests-availability')
      .getByTestId('budget-text'),
  ).toContainText('% left');
  await expect(
    page.locator('.MuiCardHeader-title', { hasText: /^Compliance$/ }),
  ).toBeVisible();

  // the pipeline, from the demo Argo CD / Kubernetes fixture server
  await expect(
    page.locator('.MuiCardHeader-title', { hasText: /^staging$/ }),
  ).toBeVisible();
  await expect(
    page.locator('.MuiCardHeader-title', { hasText: /^production$/ }),
  ).toBeVisible();
  await expect(page.getByText('demo data').first()).toBeVisible();
  await expect(page.getByText('checkout: 1.5.0 adds Apple Pay')).toBeVisible();
  await expect(page.getByText('result[0] < 0.01')).toBeVisible();
  // the PreSync migration Job of the last sync, joined with the release's migration report
  const migration = page
    .getByTestId('migration-step')
    .filter({ hasText: 'release 1.5.0' });
  await expect(migration).toContainText('Succeeded');
  await expect(migration).toContainText('1 migration file');
  await expect(migration).toContainText('every step has a down migration');
  await page.screenshot({ path: 'artifacts/delivery-tab.png', fullPage: true });
});

test('a canary paused at 25 % is promoted from the Delivery tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/delivery');
  const staging = page.locator('.MuiCard-root', {
    hasText: 'checkout-staging',
  });
  const status = staging.getByText(/Rollout checkout: Paused · \d+ % canary/);
  await expect(status).toBeVisible();
  // the demo starts at 25 %; a retried test finds it further on
  const before = Number(
    /· (\d+) %/.exec((await status.textContent()) ?? '')![1],
  );
  const next = [5, 25, 50, 75, 100].find(w => w > before)!;
  await staging.getByRole('button', { name: 'Promote', exact: true }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Promote', exact: true })
    .click();
  await expect(
    page.getByText(/Promote: shop-staging\/checkout done\./),
  ).toBeVisible();
  await expect(
    staging.getByText(
      new RegExp(`Rollout checkout: (Paused · ${next} % canary|Healthy)`),
    ),
  ).toBeVisible();
  await page.screenshot({
    path: 'artifacts/canary-promoted.png',
    fullPage: true,
  });
});

test('an entity without Gantry annotations has no Delivery tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/api/checkout-api');
  await expect(
    page.getByRole('heading', { name: 'Checkout API' }).first(),
  ).toBeVisible();
  // the entity's tab links render (positive control) but Delivery is not among them
  await expect(
    page.getByRole('link', { name: 'Overview', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Definition', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Delivery', exact: true }),
  ).toHaveCount(0);
});

test('deployment history and DORA figures from the seeded notifications', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/delivery');
  const dora = page.locator('.MuiCard-root', { hasText: 'DORA metrics' });
  await expect(dora.getByTestId('dora-deploymentFrequency')).toHaveText(
    /\d+(\.\d+)? \/ day/,
  );
  // the seed reports failed and aborted production deployments
  await expect(dora.getByTestId('dora-changeFailureRate')).toHaveText(
    /^(?!0%)\d+(\.\d)?%$/,
  );
  await expect(dora.locator('.recharts-bar-rectangle').first()).toBeVisible();
  const history = page.locator('.MuiCard-root', {
    hasText: 'Deployment history',
  });
  await expect(history.getByText('aborted').first()).toBeVisible();
  await expect(history.getByText('failed').first()).toBeVisible();
  await dora.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'artifacts/dora.png', fullPage: true });
});

test('the Rollouts page lists the paused canaries of the groups the user is in, child groups included, and every entity on request', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/gantry/rollouts');
  await expect(page.getByText('Rollouts waiting for someone')).toBeVisible();
  // checkout belongs to payments; the guest is in payments-oncall, a child group of payments
  await expect(page.getByText(/demo\/shop-staging\/checkout/)).toBeVisible();
  const entities = async () =>
    Number(
      /(\d+) entities/.exec(
        (await page
          .getByText(/Read from Argo CD and Kubernetes/)
          .textContent()) ?? '',
      )?.[1],
    );
  const owned = await entities();
  await page.getByLabel('All entities').check();
  await expect(page).toHaveURL(/scope=all/);
  await expect(page.getByText(/demo\/shop-staging\/checkout/)).toBeVisible();
  await expect.poll(entities).toBeGreaterThanOrEqual(owned);
  await page.screenshot({
    path: 'artifacts/rollouts-page.png',
    fullPage: true,
  });
});
