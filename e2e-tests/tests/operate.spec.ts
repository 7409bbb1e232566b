import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

const backend = process.env.GANTRY_BACKEND_URL ?? 'http://localhost:7007';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const headers = { Authorization: `Bearer ${token}` };
const STAGING_REVISION = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';

test('a firing alert becomes an incident naming the suspect release, and its abort remedy aborts the canary', async ({
  page,
  request,
}) => {
  const now = Date.now();
  // Argo CD notified the staging sync ten minutes ago...
  const synced = await request.post(
    `${backend}/api/gantry/deployments/events`,
    {
      headers,
      data: {
        source: 'argocd',
        instance: 'demo',
        application: 'checkout-staging',
        labels: {
          'app.kubernetes.io/name': 'checkout',
          'gantry.dev/environment': 'staging',
        },
        revision: STAGING_REVISION,
        phase: 'Succeeded',
        startedAt: new Date(now - 10 * 60_000).toISOString(),
        finishedAt: new Date(now - 9 * 60_000).toISOString(),
      },
    },
  );
  expect(synced.status()).toBe(202);
  // ...and Alertmanager now sends a page for checkout, exactly as its webhook does
  const alert = {
    status: 'firing',
    labels: {
      alertname: 'CheckoutHighErrorRate',
      severity: 'page',
      environment: 'staging',
      gantry_entity: 'component:default/checkout',
      sloth_service: 'checkout',
      sloth_slo: 'requests-availability',
    },
    annotations: {
      summary: 'checkout burns its error budget 14.4x too fast',
      runbook_url:
        '/docs/default/component/checkout/runbooks/CheckoutHighErrorRate/',
    },
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: `e2e${now.toString(16)}`,
  };
  const received = await request.post(
    `${backend}/api/gantry/alerts/alertmanager`,
    {
      headers,
      data: {
        receiver: 'gantry-incidents',
        status: 'firing',
        alerts: [alert],
        groupLabels: { alertname: 'CheckoutHighErrorRate' },
        commonLabels: alert.labels,
        commonAnnotations: alert.annotations,
        externalURL: 'http://alertmanager:9093',
        version: '4',
        groupKey: '{}:{alertname="CheckoutHighErrorRate"}',
        truncatedAlerts: 0,
      },
    },
  );
  expect(received.status()).toBe(202);

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/delivery');
  const card = page.locator('.MuiCard-root', { hasText: 'Incidents' });
  await card
    .getByRole('button', { name: /CheckoutHighErrorRate: checkout burns/ })
    .first()
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('suspect')).toContainText(
    'Suspect release: 0d6a3b2 deployed to staging',
  );
  await dialog
    .getByRole('button', { name: /Abort rollout shop-staging\/checkout/ })
    .click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(
    page.getByText(/Abort rollout shop-staging\/checkout.*: requested\./),
  ).toBeVisible();
  await expect(
    dialog.getByText(/^Abort rollout shop-staging\/checkout/).last(),
  ).toBeVisible();
  await page.screenshot({ path: 'artifacts/incident.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Close' }).click();
  // the pipeline shows the abort the remedy sent, once read again
  await page.reload();
  await expect(
    page
      .locator('.MuiCard-root', { hasText: 'checkout-staging' })
      .getByText(/RolloutAborted/)
      .first(),
  ).toBeVisible();
});
