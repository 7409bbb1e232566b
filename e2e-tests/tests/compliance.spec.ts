import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { signInAsGuest } from './helpers';

const backend = process.env.GANTRY_BACKEND_URL ?? 'http://localhost:7007';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const samples = path.resolve(
  __dirname,
  '../../plugins/gantry-backend/src/evidence/parsers/__fixtures__',
);
const DIGEST =
  'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

test('evidence via the API, a production promotion waits, another group member approves, the gate passes', async ({
  page,
  request,
}) => {
  // CI: a fresh release of storefront gets its evidence, then its pipeline (started by
  // dave, platform team) asks for production.
  const version = `2.4.0-e2e.${Date.now()}`;
  const base = `${backend}/api/gantry/entities/default/component/storefront`;
  const headers = { Authorization: `Bearer ${token}` };
  for (const [file, format] of [
    ['trivy-clean.json', 'trivy'],
    ['junit-testsuite-root.xml', 'junit'],
    ['spdx-2.3.json', 'spdx'],
    ['slsa-provenance-dsse.json', 'in-toto'],
    ['sarif-gitleaks-clean.json', 'sarif'],
  ]) {
    const res = await request.post(
      `${base}/releases/${version}/evidence/${format}?commit=1234567890abcdef&imageDigest=${DIGEST}`,
      {
        headers: { ...headers, 'Content-Type': 'application/octet-stream' },
        data: fs.readFileSync(path.join(samples, file)),
      },
    );
    expect(res.status(), await res.text()).toBe(201);
  }
  const asked = await request.post(`${base}/releases/${version}/promotions`, {
    headers,
    data: {
      environment: 'production',
      reason: `Ship ${version}`,
      requestedBy: 'user:default/dave',
    },
  });
  expect(asked.status(), await asked.text()).toBe(201);

  // The gate waits for the approval.
  const before = await (
    await request.get(`${base}/releases/${version}/gates/production`, {
      headers,
    })
  ).json();
  expect(before.verdict).toBe('fail');

  // The guest, a platform member other than dave, sees it in the portal and approves.
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/storefront/compliance');
  await page.locator('#gantry-release-select').click();
  await page.getByRole('option', { name: version }).click();
  await expect(page.getByTestId('gate-production-approvals')).toContainText(
    'is pending (0 of 1 approvals)',
  );

  await page.getByRole('link', { name: 'Approvals' }).first().click();
  const row = page.getByRole('row', {
    name: new RegExp(`Ship ${version.replace(/\./g, '\\.')}`),
  });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Approve' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Confirm' })
    .click();
  await expect(
    page.getByText(
      `Approved component:default/storefront ${version} into production.`,
    ),
  ).toBeVisible();
  await expect(row).toHaveCount(0);

  // The production gate now passes, in the portal and for CI.
  await page.goto('/catalog/default/component/storefront/compliance');
  await page.locator('#gantry-release-select').click();
  await page.getByRole('option', { name: version }).click();
  await expect(page.getByTestId('gate-production-approvals')).toContainText(
    'Approved by user:development/guest',
  );
  await expect(page.getByText('production: pass')).toBeVisible();
  await page.screenshot({
    path: 'artifacts/compliance-tab.png',
    fullPage: true,
  });

  const after = await (
    await request.get(`${base}/releases/${version}/gates/production`, {
      headers,
    })
  ).json();
  expect(after.verdict).toBe('pass');
});
