import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

test('the onboarding form is filled in the portal; Gantry generates and validates the overlays', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/create/templates/default/service-onboarding');
  await page.locator('#root_name').fill('inventory');
  await page.locator('#root_description').fill('Stock levels');
  await page.getByRole('textbox', { name: 'Owner' }).click();
  await page.getByRole('textbox', { name: 'Owner' }).fill('platform');
  await page.getByRole('option').first().click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('#root_image').fill('ghcr.io/acme/inventory');
  await page.getByRole('button', { name: 'Next' }).click();
  // database, TLS and resilience: the defaults (no migration step, TLS in production, no drill)
  await expect(page.getByText('Database migrations').first()).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  // alerting: the defaults (PagerDuty pages, Slack tickets)
  await expect(page.getByText('Pages go to')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  // release gate: the defaults (the portal's backend URL, the alerting Secret's gate-token)
  await expect(
    page.getByRole('textbox', {
      name: 'Gantry URL as Argo Rollouts reaches it',
    }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  // RepoUrlPicker's owner and repository are free-text autocompletes: type, then leave the field
  for (const [name, value] of [
    ['Owner', 'acme'],
    ['Repository', 'inventory'],
  ]) {
    const box = page.getByRole('textbox', { name });
    await box.click();
    await box.pressSequentially(value, { delay: 20 });
    await box.press('Tab');
  }
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText('ghcr.io/acme/inventory')).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();

  // Gantry's steps run for real in the portal's scaffolder; publishing stops where this
  // sandbox has no GitHub token, which the task page says in so many words.
  await expect(page).toHaveURL(/\/create\/tasks\//);
  await expect(
    page
      .getByText(
        /No token available for host: github\.com, with owner acme, and repo inventory/,
      )
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await page.getByPlaceholder('Search').fill('GitOps');
  await expect(
    page.getByText(/Wrote 31 GitOps files for inventory to deploy/),
  ).toBeVisible();
  await expect(
    page.getByText(
      /GitOps tree valid: 35 object\(s\) checked against their schemas, 4 Alertmanager config\(s\) with amtool/,
    ),
  ).toBeVisible();
  await page.screenshot({
    path: 'artifacts/onboarding-task.png',
    fullPage: true,
  });
});
