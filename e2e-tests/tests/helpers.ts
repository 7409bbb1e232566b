import { expect, type Page } from '@playwright/test';

/** Signs in through the guest provider, as a person on the local portal does. */
export async function signInAsGuest(page: Page) {
  // `/` is Home; the catalog lives at /catalog
  await page.goto('/catalog');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page.getByRole('heading', { name: 'Gantry Demo Catalog' }),
  ).toBeVisible();
}

/** Finds an entity in the catalog's "All" list and opens its page. */
export async function openEntity(page: Page, title: string) {
  await page
    .getByRole('menuitem', { name: /^All/ })
    .or(page.getByText('All', { exact: true }))
    .first()
    .click();
  await page.getByRole('link', { name: title, exact: true }).first().click();
  await expect(
    page.getByRole('heading', { name: title }).first(),
  ).toBeVisible();
}
