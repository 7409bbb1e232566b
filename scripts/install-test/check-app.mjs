#!/usr/bin/env node
// Checks the adopter app the install test built and started: Gantry's backend answers
// /api/gantry/health, the scaffolder lists Gantry's actions, and in Chromium the
// annotated entity shows the Delivery, Compliance and Flags tabs, each rendering
// Gantry's content from Gantry's API without a server error.
//
// Usage: node check-app.mjs <baseUrl> <screenshotDir>
import { createRequire } from 'node:module';
import path from 'node:path';

const [baseUrl, screenshotDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const ENTITY = '/catalog/default/component/adopter-service';
const TABS = [
  // tab title, its path, the Gantry API call it must make, text only it renders
  {
    title: 'Delivery',
    path: '/delivery',
    api: /\/overview$/,
    text: /delivery capabilities ready for Adopter Service/,
  },
  {
    title: 'Compliance',
    path: '/compliance',
    api: /\/releases$/,
    text: 'Quality gates',
  },
  { title: 'Flags', path: '/flags', api: /\/flags$/, text: 'Client keys' },
];
const failures = [];
const fail = message => {
  failures.push(message);
  console.error(`FAIL ${message}`);
};
const pass = message => console.log(`ok   ${message}`);

async function checkHealth() {
  const res = await fetch(`${baseUrl}/api/gantry/health`);
  const body = await res.text();
  if (res.status === 200 && JSON.parse(body).database === 'ok') {
    pass(`GET /api/gantry/health: ${res.status} ${body}`);
  } else {
    fail(`GET /api/gantry/health answered ${res.status} ${body}`);
  }
}

async function checkInBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ baseURL: baseUrl });
    page.setDefaultTimeout(30_000);
    const gantryCalls = [];
    page.on('response', res => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/api/gantry/')) {
        gantryCalls.push({ path: url.pathname, status: res.status() });
      }
    });
    const pageErrors = [];
    page.on('pageerror', e => pageErrors.push(String(e)));

    // create-app's app signs in through the guest provider
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByRole('link', { name: 'Adopter Service' }).waitFor();
    pass('signed in as guest; the catalog lists Adopter Service');

    await page.goto(ENTITY);
    await page.getByRole('heading', { name: 'Adopter Service' }).waitFor();
    for (const tab of TABS) {
      const before = gantryCalls.length;
      const link = page.getByRole('link', { name: tab.title, exact: true });
      if (!(await link.isVisible())) {
        await link.waitFor({ timeout: 10_000 }).catch(() => {});
      }
      if (!(await link.isVisible())) {
        fail(`the entity page has no ${tab.title} tab`);
        continue;
      }
      const apiCall = page
        .waitForResponse(
          res =>
            new URL(res.url()).pathname.startsWith('/api/gantry/') &&
            tab.api.test(new URL(res.url()).pathname),
        )
        .catch(() => undefined);
      await link.click();
      await page.waitForURL(`**${ENTITY}${tab.path}`);
      const res = await apiCall;
      if (!res || res.status() !== 200) {
        fail(
          `${tab.title} tab: ${tab.api} answered ${res?.status() ?? 'nothing'}`,
        );
      }
      try {
        await page.getByText(tab.text).first().waitFor();
        // let the tab's remaining requests settle before reading their statuses
        await page.waitForLoadState('networkidle');
      } catch (e) {
        fail(`${tab.title} tab: no text matching ${tab.text}`);
      }
      const calls = gantryCalls.slice(before);
      const broken = calls.filter(c => c.status >= 500);
      await page.screenshot({
        path: path.join(screenshotDir, `${tab.title.toLowerCase()}.png`),
        fullPage: true,
      });
      if (calls.length === 0) {
        fail(`${tab.title} tab made no request to /api/gantry`);
      } else if (broken.length > 0) {
        fail(
          `${tab.title} tab: server errors ${broken
            .map(c => `${c.status} ${c.path}`)
            .join(', ')}`,
        );
      } else {
        pass(
          `${tab.title} tab rendered; ${calls.length} Gantry API call(s): ${[
            ...new Set(calls.map(c => `${c.status} ${c.path}`)),
          ].join(', ')}`,
        );
      }
    }

    // the scaffolder module: its actions are installed next to the built-in ones
    await page.goto('/create/actions');
    try {
      await page.getByText('gantry:gitops:overlays').first().waitFor();
      pass('the scaffolder lists gantry:gitops:overlays');
    } catch {
      fail('the scaffolder does not list gantry:gitops:overlays');
    }
    if (pageErrors.length > 0) {
      fail(`uncaught errors in the page: ${pageErrors.join(' | ')}`);
    }
  } finally {
    await browser.close();
  }
}

await checkHealth();
await checkInBrowser();
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all install checks passed');
