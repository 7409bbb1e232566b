import { expect, test, type APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signInAsGuest } from './helpers';

// Issue 16's loop on the demo's recommendations service, in Chromium where the portal
// offers the step and through the API where a machine does it:
// CI evidence -> production gate fails until approved -> another platform member
// approves -> Gantry commits the release into the demo GitOps repository (git
// http-backend, .gantry/git) -> the demo Argo CD sees Git ahead and syncs through
// Gantry's gate -> the Rollout's analysis step asks Gantry's judge, which reads the demo
// Prometheus -> Pass -> the Rollout goes to 100 %: the release runs in production.
const backend = process.env.GANTRY_BACKEND_URL ?? 'http://localhost:7007';
const prometheus = process.env.GANTRY_PROMETHEUS_URL ?? 'http://127.0.0.1:7090';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const headers = { Authorization: `Bearer ${token}` };
const root = path.resolve(__dirname, '../..');
const gitDir =
  process.env.GANTRY_DEMO_GIT_DIR ??
  path.join(root, '.gantry/git/shop-deploy.git');
const samples = path.join(
  root,
  'plugins/gantry-backend/src/evidence/parsers/__fixtures__',
);
const DIGEST =
  'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';
const OVERLAY = 'recommendations/overlays/production/kustomization.yaml';
const CANARY_HASH = 'c4b3a2f1e0';
const base = `${backend}/api/gantry/entities/default/component/recommendations`;

const git = (...args: string[]) =>
  execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
  }).trim();

async function poll<T>(
  what: string,
  seconds: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${seconds}s`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function json(request: APIRequestContext, url: string) {
  const res = await request.get(url, { headers });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

test('a release goes from CI evidence through approval, a Git commit, the Argo CD sync and a canary judged from Prometheus to production', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const version = `3.1.0-e2e.${Date.now()}`;

  // 1. CI uploads the release's evidence with its static token...
  for (const [file, format] of [
    ['trivy-clean.json', 'trivy'],
    ['junit-testsuite-root.xml', 'junit'],
    ['spdx-2.3.json', 'spdx'],
    ['slsa-provenance-dsse.json', 'in-toto'],
    ['sarif-gitleaks-clean.json', 'sarif'],
  ]) {
    const res = await request.post(
      `${base}/releases/${version}/evidence/${format}?commit=a1b2c3d4e5f6a7b8&imageDigest=${DIGEST}`,
      {
        headers: { ...headers, 'Content-Type': 'application/octet-stream' },
        data: fs.readFileSync(path.join(samples, file)),
      },
    );
    expect(res.status(), `${format}: ${await res.text()}`).toBe(201);
  }
  // ...and the pipeline carol started asks for production.
  const asked = await request.post(`${base}/releases/${version}/promotions`, {
    headers,
    data: {
      environment: 'production',
      reason: `Ship ${version}`,
      requestedBy: 'user:default/carol',
    },
  });
  expect(asked.status(), await asked.text()).toBe(201);

  // 2. The production gate fails until someone other than carol approves; Git is untouched.
  const headBefore = git('rev-parse', 'main');
  const gate = await json(
    request,
    `${base}/releases/${version}/gates/production`,
  );
  expect(gate.verdict).toBe('fail');
  expect(gate.rules.find((r: any) => r.rule === 'approvals').status).toBe(
    'fail',
  );
  expect(git('show', `main:${OVERLAY}`)).not.toContain(version);

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/recommendations/compliance');
  await page.locator('#gantry-release-select').click();
  await page.getByRole('option', { name: version }).click();
  await expect(page.getByTestId('gate-production-approvals')).toContainText(
    'is pending (0 of 1 approvals)',
  );

  // 3. The guest, a platform member who is not carol, approves in the portal.
  await page.getByRole('link', { name: 'Approvals' }).first().click();
  const row = page.getByRole('row', {
    name: new RegExp(`Ship ${version.replace(/\./g, '\\.')}`),
  });
  await row.getByRole('button', { name: 'Approve' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Confirm' })
    .click();
  await expect(
    page.getByText(
      `Approved component:default/recommendations ${version} into production.`,
    ),
  ).toBeVisible();

  // 4. The approved release lands in Git: one commit on main rewriting the overlay.
  const change = await poll('the Git change', 60, async () => {
    const { items } = await json(request, `${base}/gitops-changes`);
    const c = items.find((i: any) => i.version === version);
    if (c?.status === 'failed')
      throw new Error(`Gantry could not write the Git change: ${c.error}`);
    return c?.status === 'committed' || c?.commitSha ? c : undefined;
  });
  const head = git('rev-parse', 'main');
  expect(head).not.toBe(headBefore);
  expect(change.commitSha).toBe(head);
  const diff = git('show', '--format=', head, '--', OVERLAY);
  expect(diff).toContain(`+    newTag: ${version}`);
  expect(diff).toContain(`+    digest: ${DIGEST}`);

  // 5. Argo CD (the demo fixture) sees Git ahead; the sync, through Gantry's gate, deploys it.
  await page.goto('/catalog/default/component/recommendations/delivery');
  const card = page
    .locator('.MuiCard-root', { hasText: 'recommendations-production' })
    .first();
  await expect(card.getByText('OutOfSync')).toBeVisible();
  await card.getByRole('button', { name: 'Sync', exact: true }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Confirm' })
    .click();
  await expect(card.getByText('Synced', { exact: true })).toBeVisible();
  await expect(card.getByText(head.slice(0, 8))).toBeVisible();

  // 6. The Rollout's analysis step asked Gantry's judge, which read Prometheus: Pass.
  const analysis = await poll('the canary analysis', 60, async () => {
    const { items } = await json(request, `${base}/canary/analyses`);
    return items.find(
      (a: any) => a.canaryHash === CANARY_HASH && a.verdict !== 'Error',
    );
  });
  expect(analysis.verdict).toBe('Pass');
  const errors = analysis.metrics.find((m: any) => m.name === 'error rate');
  const res = await request.get(`${prometheus}/api/v1/query_range`, {
    params: {
      query: errors.queries.canary,
      start: String(Date.parse(analysis.window.start) / 1000),
      end: String(Date.parse(analysis.window.end) / 1000),
      step: String(analysis.window.stepSeconds),
    },
  });
  const values = (await res.json()).data.result[0].values.map(
    ([, v]: [number, string]) => Number(v),
  );
  expect(errors.canary.mean).toBeCloseTo(
    values.reduce((a: number, b: number) => a + b, 0) / values.length,
    6,
  );

  // 7. Promoted: the Rollout runs the release at 100 % and the gate counts the canary.
  await poll('the Rollout to finish', 30, async () => {
    const { applications } = await json(request, `${base}/deployments`);
    const app = applications.find(
      (a: any) => a.name === 'recommendations-production',
    );
    const r = app?.rollouts?.[0];
    return r?.release === version && r?.phase === 'Healthy' ? r : undefined;
  });
  // the canary rule reuses a pipeline read for up to 10 s (canary/pipelineCache.ts)
  const after = await poll('the gate to count the canary', 30, async () => {
    const gate = await json(
      request,
      `${base}/releases/${version}/gates/production`,
    );
    return gate.rules.find((r: any) => r.rule === 'canary')?.status === 'pass'
      ? gate
      : undefined;
  });
  expect(after.verdict).toBe('pass');
  expect(after.rules.find((r: any) => r.rule === 'canary').status).toBe('pass');
  await page.reload();
  await expect(page.getByText(/Pass · score \d+/).first()).toBeVisible();
  await expect(
    page.getByText(new RegExp(`Rollout recommendations: Healthy`)),
  ).toBeVisible();
  await page.screenshot({ path: 'artifacts/release-loop.png', fullPage: true });
});
