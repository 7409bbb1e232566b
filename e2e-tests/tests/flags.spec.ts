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

  // what is authored before the kill, to compare after the restore
  const readFlag = async (flag: string) => {
    const res = await request.get(`${entity}/flags/staging/${flag}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status()).toBe(200);
    return res.json();
  };
  const before = await readFlag('payments-circuit-breaker');
  const authored = before.definition;

  await signInAsGuest(page);
  // no request of the tab's first load may answer 404 (e.g. "no experiment" is a state, not an error)
  const notFound: string[] = [];
  page.on('response', r => {
    if (r.status() === 404 && r.url().includes('/api/gantry/'))
      notFound.push(r.url());
  });
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
  await expect(
    row.getByText(`killed · serves ${before.safeVariant}`),
  ).toBeVisible();
  await page.screenshot({ path: 'artifacts/flags-tab.png', fullPage: true });
  expect(notFound).toEqual([]);

  // the application gets the safe variant on its next evaluation
  expect(await evaluate('payments-circuit-breaker')).toMatchObject({
    value: false,
  });
  // the kill left the authored definition alone, and the edit dialog says it is killed
  expect((await readFlag('payments-circuit-breaker')).definition).toEqual(
    authored,
  );
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByTestId('gantry-flag-killed')).toContainText(
    `every client gets ${before.safeVariant}`,
  );
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Cancel' })
    .click();

  // restore: the flag serves exactly what was authored before the kill
  await row.getByRole('button', { name: 'Restore' }).click();
  const restore = page.getByRole('dialog');
  await expect(
    restore.getByText('Restore payments-circuit-breaker?'),
  ).toBeVisible();
  await restore.getByLabel('Why').fill('e2e: provider recovered');
  await restore.getByRole('button', { name: 'Restore flag' }).click();
  await expect(row.getByRole('button', { name: 'Kill' })).toBeVisible();
  const restored = await readFlag('payments-circuit-breaker');
  expect(restored.killedAt).toBeUndefined();
  expect(restored.definition).toEqual(authored);
  expect(await evaluate('payments-circuit-breaker')).toMatchObject({
    value: true,
  });
});

test('a definition that can return a missing variant is refused, with the message beside the definition at 1440×900', async ({
  page,
  request,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/flags');
  const flags = page
    .locator('.MuiCard-root', { hasText: 'Feature flags' })
    .first();
  await flags.getByRole('button', { name: 'New flag' }).click();
  const dialog = page.getByRole('dialog');
  const key = `e2e-gold-${Date.now()}`;
  await dialog.getByLabel('Key').fill(key);
  await dialog.getByLabel(/flagd definition/).fill(
    JSON.stringify(
      {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: { if: [{ '==': [{ var: 'tier' }, 'gold'] }, 'gold', 'off'] },
      },
      null,
      2,
    ),
  );
  await dialog.getByLabel('Why').fill('e2e: a tier rule with a typo');
  await dialog.getByRole('button', { name: 'Save' }).click();

  const beside = dialog.locator('#gantry-flag-definition-helper-text');
  await expect(beside).toContainText(
    "targeting.if.1: targeting can return 'gold', which is not one of the variants (on, off)",
  );
  await expect(beside).toBeInViewport();
  await expect(dialog.getByLabel(/flagd definition/)).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await page.screenshot({ path: 'artifacts/flags-field-error.png' });
  // nothing was stored
  const stored = await request.get(`${entity}/flags/staging/${key}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(stored.status()).toBe(404);
});
