import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

const backend = process.env.GANTRY_BACKEND_URL ?? 'http://localhost:7007';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const entity = `${backend}/api/gantry/entities/default/component/checkout`;

test('the seeded flags serve an OpenFeature client; the kill switch in the Flags tab reaches it at once', async ({
  page,
  request,
}) => {
  // an application's client key for staging, as the Flags tab's key card makes one
  const key = await request.post(`${entity}/flag-keys`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { environment: 'staging', name: `e2e-${Date.now()}` },
  });
  expect(key.status()).toBe(201);
  const { secret } = await key.json();
  const evaluate = async (flag: string) => {
    const res = await request.post(
      `${backend}/api/gantry/ofrep/v1/evaluate/flags/${flag}`,
      {
        headers: { Authorization: `Bearer ${secret}` },
        data: { context: { targetingKey: 'user-42' } },
      },
    );
    expect(res.status()).toBe(200);
    return res.json();
  };
  expect(await evaluate('payments-circuit-breaker')).toMatchObject({
    key: 'payments-circuit-breaker',
    value: true,
  });

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/flags');
  const flags = page
    .locator('.MuiCard-root', { hasText: 'Feature flags' })
    .first();
  await expect(
    flags.getByRole('cell', { name: 'new-checkout-flow', exact: true }),
  ).toBeVisible();
  // one-click-pay is gated on new-checkout-flow: it serves "on" only where the gate does
  await expect(
    flags
      .locator('tr', { hasText: 'one-click-pay' })
      .getByText('requires new-checkout-flow = on'),
  ).toBeVisible();
  const gate = await evaluate('new-checkout-flow');
  expect(await evaluate('one-click-pay')).toMatchObject({
    variant: gate.variant === 'on' ? 'on' : 'off',
  });
  const row = flags.locator('tr', { hasText: 'payments-circuit-breaker' });
  await row.getByRole('button', { name: 'Kill' }).click();
  const dialog = page.getByRole('dialog');
  await expect(
    dialog.getByText('Kill payments-circuit-breaker?'),
  ).toBeVisible();
  await dialog.getByLabel('Why').fill('e2e: payments provider is failing');
  await dialog.getByRole('button', { name: 'Kill flag' }).click();
  await expect(row.getByText('killed')).toBeVisible();
  await page.screenshot({ path: 'artifacts/flags-tab.png', fullPage: true });

  // the application gets the safe variant on its next evaluation
  expect(await evaluate('payments-circuit-breaker')).toMatchObject({
    value: false,
  });
});
