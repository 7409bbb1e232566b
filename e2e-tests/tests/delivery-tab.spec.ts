import { expect, test } from '@playwright/test';
import { openEntity, signInAsGuest } from './helpers';

test('a component shows its Delivery tab with the Gantry overview', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openEntity(page, 'Checkout');

  await page.getByRole('link', { name: 'Delivery', exact: true }).click();
  await expect(page).toHaveURL(/\/delivery$/);
  await expect(
    page.getByText(/of 6 delivery capabilities ready for Checkout/),
  ).toBeVisible();
  // deployments are annotated but the demo has no Argo CD configured yet: the tab says how
  await expect(
    page.getByText(
      /No Argo CD instance is configured\. Add gantry\.argocd\.instances/,
    ),
  ).toBeVisible();
  await expect(
    page.locator('.MuiCardHeader-title', { hasText: /^Compliance$/ }),
  ).toBeVisible();

  await page.screenshot({ path: 'artifacts/delivery-tab.png', fullPage: true });
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
