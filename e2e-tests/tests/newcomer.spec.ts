import { expect, test, type Page } from '@playwright/test';
import { signInAsGuest } from './helpers';

/**
 * What a newcomer meets on the demo portal: Home with Gantry's pages, the catalog at
 * /catalog opening on every entity, tabs that load without failed requests, tables
 * that wrap only between words, code snippets the copy button does not hide, and a
 * Deployments card that says when its annotation finds nothing.
 */

// TODO(H6): the Flags tab asked for an experiment URL that answered 404 on every load;
// allowed only while that fix is pending. Remove once H6's change is in.
const ALLOWED = [
  /\/api\/gantry\/entities\/[^/]+\/[^/]+\/[^/]+\/flags\/[^/]+\/[^/]+\/experiment$/,
];

/** Every response of 400 or above from the portal (frontend or backend) while `fn` runs. */
async function failedRequests(page: Page, fn: () => Promise<void>) {
  const failed: string[] = [];
  const listener = (r: import('@playwright/test').Response) => {
    const url = new URL(r.url());
    const ours = ['localhost:3000', 'localhost:7007'].includes(url.host);
    if (ours && r.status() >= 400 && !ALLOWED.some(a => a.test(url.pathname)))
      failed.push(
        `${r.status()} ${r.request().method()} ${url.pathname}${url.search}`,
      );
  };
  page.on('response', listener);
  await fn();
  // late requests of the page (lazy cards) still count; a live stream may keep the
  // network from ever going idle, so this waits at most 10 s
  await page
    .waitForLoadState('networkidle', { timeout: 10_000 })
    .catch(() => undefined);
  page.off('response', listener);
  return failed;
}

/** Words (split at spaces, hyphens and slashes) that a table laid out on two lines. */
function splitWords(page: Page) {
  return page.evaluate(() => {
    const out: string[] = [];
    const cells = document.querySelectorAll(
      '[data-testid="gantry-table"] td, [data-testid="gantry-table"] th',
    );
    for (const cell of Array.from(cells)) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        const re = /[^\s\-/]+/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const tops = new Set(
            Array.from(range.getClientRects())
              .filter(r => r.width > 0)
              .map(r => Math.round(r.top)),
          );
          if (tops.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  });
}

/** Snippet text lying under its copy button. */
function hiddenSnippetText(page: Page) {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const box of Array.from(
      document.querySelectorAll('[data-testid="gantry-snippet"]'),
    )) {
      const button = box.querySelector('button');
      const pre = box.querySelector('pre');
      if (!button || !pre) continue;
      const b = button.getBoundingClientRect();
      const visible = pre.getBoundingClientRect();
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of Array.from(range.getClientRects())) {
          const shown = r.right > visible.left && r.left < visible.right;
          const under =
            r.right > b.left &&
            r.left < b.right &&
            r.bottom > b.top &&
            r.top < b.bottom;
          if (shown && under && (n.textContent ?? '').trim())
            out.push((n.textContent ?? '').trim());
        }
      }
    }
    return out;
  });
}

test('Home at / shows Gantry pages and what needs attention; /catalog opens on All with Checkout listed', async ({
  page,
}) => {
  await signInAsGuest(page);
  // /catalog is the catalog, listing every entity without touching the filter
  await expect(page).toHaveURL(/\/catalog\?.*filters%5Buser%5D=all/);
  await expect(
    page.getByRole('link', { name: 'Checkout', exact: true }).first(),
  ).toBeVisible();

  const failed = await failedRequests(page, async () => {
    await page.goto('/');
    const gantry = page
      .locator('.MuiCard-root', { hasText: 'Approvals' })
      .first();
    for (const name of ['Approvals', 'Rollouts', 'On call', 'Catalog'])
      await expect(
        gantry.getByRole('link', { name, exact: true }),
      ).toBeVisible();
    await expect(page.getByText('Needs attention').first()).toBeVisible();
  });
  expect(failed).toEqual([]);

  await page
    .getByRole('link', { name: 'Rollouts', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(/\/gantry\/rollouts/);
});

test('every Gantry tab and page loads without a failed request, tables keep words whole, snippets stay readable', async ({
  page,
}) => {
  // eight full page loads; each one is a cold start of the app
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAsGuest(page);
  const pages: Array<[string, RegExp]> = [
    [
      '/catalog/default/component/checkout/delivery',
      /delivery capabilities ready/,
    ],
    ['/catalog/default/component/checkout/compliance', /Compliance/],
    ['/catalog/default/component/checkout/flags', /Feature flags/],
    [
      '/catalog/default/component/payment-gateway/delivery',
      /delivery capabilities ready/,
    ],
    ['/gantry/approvals', /Approvals|awaiting/i],
    ['/gantry/rollouts', /Rollouts waiting for someone/],
    ['/gantry/rollouts?scope=all', /Every entity you can see/],
    ['/gantry/on-call', /incident|on call/i],
  ];
  const problems: Record<string, unknown> = {};
  for (const [path, ready] of pages) {
    const failed = await failedRequests(page, async () => {
      await page.goto(path);
      await expect(page.getByText(ready).first()).toBeVisible();
    });
    const split = await splitWords(page);
    const hidden = await hiddenSnippetText(page);
    if (failed.length || split.length || hidden.length)
      problems[path] = { failed, split, hidden };
  }
  expect(problems).toEqual({});
});

test('?scope=all is kept in the URL and honoured by the Rollouts page', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/gantry/rollouts?scope=all');
  await expect(page.getByLabel('All entities')).toBeChecked();
  await expect(page.getByText('Every entity you can see')).toBeVisible();
  await expect(
    page.getByText(
      /Read from Argo CD and Kubernetes .* ago, every \d+ s, \d+ entities\./,
    ),
  ).toBeVisible();
  await page.getByLabel('All entities').click();
  await expect(page).not.toHaveURL(/scope=all/);
  await expect(
    page.getByText('Entities owned by you or your groups'),
  ).toBeVisible();
});

test('a Deployments card never says "Configured" over an empty pipeline', async ({
  page,
}) => {
  await signInAsGuest(page);
  for (const name of ['checkout', 'payment-gateway', 'storefront']) {
    await page.goto(`/catalog/default/component/${name}/delivery`);
    await expect(page.getByText(/delivery capabilities ready/)).toBeVisible();
    const card = page
      .locator('.MuiCard-root')
      .filter({ hasText: /^Deployments/ })
      .first();
    await expect(card).toBeVisible();
    const status = card
      .getByText('Configured', { exact: true })
      .or(card.getByText(/^No application (found for selector|named) /))
      .or(card.getByText('Not enabled', { exact: true }));
    await expect(status.first()).toBeVisible();
    if (await card.getByText('Configured', { exact: true }).count()) {
      // configured means the pipeline has an application to show
      await expect(
        page
          .locator('.MuiCardHeader-title', {
            hasText: /^(staging|production)$/,
          })
          .first(),
      ).toBeVisible();
    }
  }
  // The demo's Payment Gateway names an application Argo CD does not have.
  await page.goto('/catalog/default/component/payment-gateway/delivery');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: /^Deployments/ })
    .first();
  const apps = page.locator('.MuiCardHeader-title', {
    hasText: /^(staging|production)$/,
  });
  await expect(
    card
      .getByText(/^No application named payment-gateway-production found/)
      .or(apps)
      .first(),
  ).toBeVisible();
});
