#!/usr/bin/env node
// The P5 figure of issue 19: how long a person waits, in a production build, from navigating
// to an entity tab until its cards show data; and whether that stays flat when the catalog
// grows from the demo's few entities to 1,000 more.
//
// 1. The production build: scripts/image/build-image.sh all DIR (the Dockerfile's stages),
//    reused when DIR already holds one (--build DIR, default $TMPDIR/gantry-bench-build).
// 2. It runs as the image's CMD does (NODE_ENV=production, app-config.yaml +
//    app-config.production.yaml, the app served by the backend's app-backend) plus a bench
//    overlay: its own ports (backend 7107, demo Argo CD fixture 7108, flag edge 7109, the
//    generated catalog 7110),
//    PostgreSQL databases gantry_bench_<pid>_* dropped afterwards, the demo catalog, and
//    guest sign-in allowed outside development (the bench's browser has no identity provider).
// 3. The demo data goes in through the public APIs (scripts/seed-demo.mjs, without the live
//    Prometheus); then headless Chromium opens Delivery, Flags and Compliance of checkout,
//    cold (a new browser context: empty cache) and warm (the same context again), N times.
//    Ready = the tab's marker texts are on the page and no progress bar is left.
// 4. 1,000 Components (most annotated for Gantry), served as a catalog file on port+3, are
//    registered through the catalog's locations API; once the catalog holds them all, the same measurements again.
// Prints a table with the 1000/demo ratio; writes bench-results/tab-ready.{json,md}.
// Measuring holds `flock -o /tmp/gantry-bench.lock` (the script re-runs itself under it).
//
// Usage: yarn bench:tab-ready [--runs 5] [--entities 1000] [--build DIR] [--port 7107]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const require = createRequire(path.join(root, 'e2e-tests/package.json'));
const args = process.argv.slice(2);
const opt = (name, fallback) =>
  args.includes(name) ? args[args.indexOf(name) + 1] : fallback;
const runs = Number(opt('--runs', 5));
const extra = Number(opt('--entities', 1000));
const build = path.resolve(
  opt('--build', path.join(os.tmpdir(), 'gantry-bench-build')),
);
const port = Number(opt('--port', 7107));
const pgAdmin =
  process.env.PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const LOCK = '/tmp/gantry-bench.lock';

const say = msg => console.log(`bench:tab-ready: ${msg}`);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- 1. the production build --------------------------------------------------------
const built = () =>
  fs.existsSync(path.join(build, 'packages/backend/dist/index.cjs.js')) &&
  fs.existsSync(path.join(build, 'packages/app/dist/index.html'));
// ---- 2. start it ----------------------------------------------------------------------
async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-tab-'));
  const prefix = `gantry_bench_${process.pid}_`;
  const token = `bench-${randomBytes(18).toString('hex')}`;
  const base = `http://127.0.0.1:${port}`;
  const argo = `http://127.0.0.1:${port + 1}`;
  const children = [];
  const cleanup = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(1500);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await dropDatabases(prefix);
    if (!args.includes('--keep'))
      fs.rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => cleanup().then(() => process.exit(130)));
  try {
    await run({ work, prefix, token, base, argo, children });
  } finally {
    await cleanup();
  }
}

async function run({ work, prefix, token, base, argo, children }) {
  const commit = (() => {
    try {
      return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], {
        encoding: 'utf8',
      }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const bundleTime = fs
    .statSync(path.join(build, 'packages/backend/dist/index.cjs.js'))
    .mtime.toISOString();
  say(
    `production build ${build} (backend bundle of ${bundleTime}, tree at ${commit})`,
  );

  const overlay = path.join(work, 'app-config.bench.yaml');
  fs.writeFileSync(
    overlay,
    JSON.stringify(
      {
        backend: {
          listen: { port },
          database: { prefix, pluginDivisionMode: 'database' },
          reading: { allow: [{ host: `127.0.0.1:${port + 3}` }] },
        },
        auth: {
          providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
        },
        catalog: {
          locations: [
            { type: 'file', target: path.join(root, 'catalog-info.yaml') },
            {
              type: 'file',
              target: path.join(root, 'scripts/demo/catalog.yaml'),
              rules: [{ allow: ['Component'] }],
            },
          ],
        },
        // The demo's Argo CD and Kubernetes (scripts/demo/argo-fixture-server.mjs), named as
        // the seed and the demo catalog expect.
        gantry: {
          flags: { edge: { port: port + 2 } },
          argocd: {
            instances: [
              { name: 'demo', url: argo, token: 'demo-token', demo: true },
            ],
          },
          kubernetes: {
            clusters: [
              {
                name: 'demo',
                url: argo,
                serviceAccountToken: 'demo-token',
                skipTLSVerify: true,
              },
            ],
          },
        },
      },
      null,
      2,
    ),
  );
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    NODE_OPTIONS: '--no-node-snapshot',
    APP_BASE_URL: base,
    BACKEND_BASE_URL: base,
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: '5432',
    POSTGRES_USER: 'postgres',
    POSTGRES_PASSWORD: '',
    GANTRY_CI_TOKEN: token,
    GANTRY_ALERTMANAGER_TOKEN: `${token}-am`,
    GANTRY_CANARY_JUDGE_TOKEN: `${token}-cj`,
    GANTRY_GATE_TOKEN: `${token}-gate`,
    GANTRY_FLAGS_EDGE_TOKEN: `${token}-edge`,
    ARGOCD_URL: argo,
    ARGOCD_TOKEN: 'demo-token',
    K8S_API_URL: argo,
    K8S_SA_TOKEN: 'demo-token',
    // No Prometheus runs beside the bench: the SLO card shows its "unreachable" state.
    PROMETHEUS_URL: 'http://127.0.0.1:9',
  };
  const log = fs.openSync(path.join(work, 'backend.log'), 'a');
  const fixtureLog = fs.openSync(path.join(work, 'argo-fixtures.log'), 'a');
  children.push(
    spawn(
      process.execPath,
      [
        path.join(root, 'scripts/demo/argo-fixture-server.mjs'),
        String(port + 1),
      ],
      {
        stdio: ['ignore', fixtureLog, fixtureLog],
        env: {
          ...process.env,
          GANTRY_BACKEND_URL: base,
          GANTRY_TOKEN: token,
          GANTRY_DEMO_GIT_ROOT: path.join(work, 'git'),
        },
      },
    ),
  );
  const t0 = Date.now();
  const backend = spawn(
    process.execPath,
    [
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
      '--config',
      overlay,
    ],
    { cwd: build, stdio: ['ignore', log, log], env },
  );
  children.push(backend);
  await waitFor(`${base}/api/gantry/health`, 180, backend, work);
  await waitFor(`${base}/`, 60, backend, work);
  const startS = (Date.now() - t0) / 1000;
  say(
    `backend up on ${base} in ${startS.toFixed(1)} s (log ${work}/backend.log)`,
  );

  // ---- 3. the demo data, through the public APIs ----------------------------------------
  const ts = Date.now();
  execFileSync(
    process.execPath,
    [path.join(root, 'scripts/seed-demo.mjs'), '--backend', base],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, GANTRY_TOKEN: token },
    },
  );
  say(
    `demo data seeded through the API in ${((Date.now() - ts) / 1000).toFixed(
      1,
    )} s`,
  );

  const api = async (p, init = {}) => {
    const res = await fetch(`${base}${p}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
    if (!res.ok) throw new Error(`${p} -> ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const catalogSize = async () =>
    (await api('/api/catalog/entities/by-query?limit=1')).totalItems;

  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const session = await signIn(browser, base);
    const phases = [];
    await settle(backend.pid);
    const small = await catalogSize();
    say(`measuring with ${small} catalog entities (${runs} runs per tab)`);
    phases.push({
      entities: small,
      tabs: await measure(browser, base, session),
    });

    // ---- 4. 1,000 more entities through the catalog's locations API ---------------------
    // The catalog API registers only `url` locations: the file is served over HTTP, as a
    // catalog-info.yaml is from a Git host (backend.reading.allow lets the catalog read it).
    const yaml = generatedCatalog(extra);
    const served = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/yaml');
      res.end(yaml);
    });
    await new Promise(r => served.listen(port + 3, '127.0.0.1', r));
    children.push({
      exitCode: null,
      kill() {
        served.close();
        this.exitCode = 0;
      },
    });
    const tr = Date.now();
    await api('/api/catalog/locations', {
      method: 'POST',
      body: JSON.stringify({
        type: 'url',
        target: `http://127.0.0.1:${port + 3}/bench-catalog.yaml`,
      }),
    });
    for (let i = 0; ; i++) {
      const n = await catalogSize();
      if (n >= small + extra + 1) break; // + the Location entity itself
      if (i > 600)
        throw new Error(`the catalog holds ${n} entities after 10 minutes`);
      await sleep(1000);
    }
    await settle(backend.pid);
    const large = await catalogSize();
    say(
      `registered ${extra} components in ${((Date.now() - tr) / 1000).toFixed(
        1,
      )} s; measuring with ${large} catalog entities`,
    );
    phases.push({
      entities: large,
      tabs: await measure(browser, base, session),
    });
    report({ phases, commit, bundleTime, startS });
  } finally {
    await browser.close();
  }
}

// ---- the browser ----------------------------------------------------------------------
/** The tabs measured, and what on each says its cards have their data. */
const TABS = [
  {
    tab: 'Delivery',
    path: '/catalog/default/component/checkout/delivery',
    ready: [
      /of \d+ delivery capabilities ready for Checkout/,
      'checkout: 1.5.0 adds Apple Pay',
      'result[0] < 0.01',
      'Deployment frequency',
    ],
  },
  {
    tab: 'Flags',
    path: '/catalog/default/component/checkout/flags',
    ready: ['new-checkout-flow', 'requires new-checkout-flow = on'],
  },
  {
    tab: 'Compliance',
    path: '/catalog/default/component/checkout/compliance',
    ready: [
      'Trivy: no vulnerabilities',
      /Release 1\.5\.0/,
      /production:\s*(pass|fail)/,
      'CC6.1',
    ],
  },
];

async function signIn(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/catalog`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('heading', { name: 'Gantry Demo Catalog' }).waitFor();
  const state = await context.storageState();
  await context.close();
  return state;
}

/** ms from navigation start until every marker is visible and no progress bar is left. */
async function timeToReady(page, base, t) {
  const start = Date.now();
  await page.goto(`${base}${t.path}`, { waitUntil: 'commit' });
  // The app shell: the entity page with its tabs, before any card has its data.
  await page.waitForFunction(
    () => !!document.querySelector('a[href$="/component/checkout/delivery"]'),
    undefined,
    { timeout: 60_000, polling: 25 },
  );
  const shell = Date.now() - start;
  const markers = t.ready.map(m =>
    m instanceof RegExp ? { re: m.source } : { text: m },
  );
  await page.waitForFunction(
    ms => {
      // Loading spinners and bars are indeterminate; a canary's weight bar has a value.
      if (document.querySelector('[role="progressbar"]:not([aria-valuenow])'))
        return false;
      const text = document.body.innerText;
      return ms.every(m =>
        m.re ? new RegExp(m.re).test(text) : text.includes(m.text),
      );
    },
    markers,
    { timeout: 60_000, polling: 25 },
  );
  return { ready: Date.now() - start, shell };
}

async function measure(browser, base, storageState) {
  const out = [];
  for (const t of TABS) {
    const cold = [];
    const warm = [];
    const shell = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ storageState });
      const page = await context.newPage();
      try {
        const first = await timeToReady(page, base, t);
        cold.push(first.ready);
        shell.push(first.shell);
        warm.push((await timeToReady(page, base, t)).ready);
      } catch (e) {
        const shot = path.join(
          root,
          'bench-results',
          `tab-ready-${t.tab}-failed.png`,
        );
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        throw new Error(
          `${t.tab} was not ready: ${e.message} (screenshot ${shot})`,
        );
      } finally {
        await context.close();
      }
    }
    out.push({
      loadAverage: os.loadavg()[0],
      tab: t.tab,
      coldMs: median(cold),
      warmMs: median(warm),
      coldShellMs: median(shell),
      cold,
      warm,
    });
    say(
      `  ${t.tab}: cold ${median(cold)} ms (app shell ${median(
        shell,
      )} ms), warm ${median(warm)} ms (${cold.join(', ')} / ${warm.join(
        ', ',
      )})`,
    );
  }
  return out;
}

// ---- the 1,000 entities ----------------------------------------------------------------
/** Components shaped like the demo's: 3 in 4 annotated for Gantry, spread over 20 teams. */
function generatedCatalog(n) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    const name = `bench-svc-${String(i).padStart(4, '0')}`;
    const annotated = i % 4 !== 3;
    const annotations = annotated
      ? [
          `    argocd/app-selector: app.kubernetes.io/name=${name}`,
          `    backstage.io/kubernetes-id: ${name}`,
          '    gantry.dev/feature-flags: enabled',
          '    gantry.dev/compliance-policy: default',
          ...(i % 2 === 0 ? ['    gantry.dev/canary-analysis: default'] : []),
        ]
      : ['    backstage.io/techdocs-ref: dir:.'];
    docs.push(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${name}`,
        `  description: Generated for the tab-ready benchmark (${i}).`,
        '  annotations:',
        ...annotations,
        `  tags: [bench, team-${i % 20}]`,
        'spec:',
        '  type: service',
        '  lifecycle: production',
        `  owner: group:default/${i % 3 === 0 ? 'payments' : 'platform'}`,
        '  system: online-shop',
      ].join('\n'),
    );
  }
  return `${docs.join('\n---\n')}\n`;
}

// ---- output and housekeeping --------------------------------------------------------------
function report({ phases, commit, bundleTime, startS }) {
  const [small, large] = phases;
  const s = v => `${(v / 1000).toFixed(2)} s`;
  const rows = small.tabs.map((t, i) => {
    const l = large.tabs[i];
    return {
      tab: t.tab,
      cold: [t.coldMs, l.coldMs, l.coldMs / t.coldMs],
      shell: [t.coldShellMs, l.coldShellMs],
      warm: [t.warmMs, l.warmMs, l.warmMs / t.warmMs],
    };
  });
  const head = `| tab | cold, ${small.entities} entities | cold, ${large.entities} entities | ratio | warm, ${small.entities} | warm, ${large.entities} | ratio | cold app shell, ${small.entities} / ${large.entities} |`;
  const lines = [
    head,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      r =>
        `| ${r.tab} | ${s(r.cold[0])} | ${s(r.cold[1])} | ${r.cold[2].toFixed(
          2,
        )} | ${s(r.warm[0])} | ${s(r.warm[1])} | ${r.warm[2].toFixed(2)} | ${s(
          r.shell[0],
        )} / ${s(r.shell[1])} |`,
    ),
  ];
  const loads = phases.flatMap(p => p.tabs.map(t => t.loadAverage));
  const load = `load average (1 min) while measuring ${Math.min(
    ...loads,
  ).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${os.cpus().length} CPUs`;
  const worst = Math.max(...rows.flatMap(r => [r.cold[0], r.cold[1]]));
  const verdict = `Target: ready <= 2 s and flat (ratio <= 1.25). Slowest cold median ${s(
    worst,
  )}: ${worst <= 2000 ? 'within' : 'OVER'} 2 s; ${
    rows.every(r => r.cold[2] <= 1.25) ? 'flat' : 'NOT flat'
  } from ${small.entities} to ${large.entities} entities.`;
  console.log(`\n${lines.join('\n')}\n\n${verdict}\n(${load})`);
  const measured = new Date().toISOString();
  const dir = path.join(root, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const context = {
    measured,
    build: `production bundle (scripts/image/build-image.sh all), backend bundle of ${bundleTime}, tree at ${commit}`,
    runs,
    backendStartSeconds: startS,
    machine: `${os.cpus().length} CPUs, ${
      os.cpus()[0]?.model
    }, Chromium headless, shared with other work`,
  };
  fs.writeFileSync(
    path.join(dir, 'tab-ready.json'),
    `${JSON.stringify({ ...context, phases }, null, 2)}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'tab-ready.md'),
    [
      '# Tab ready time on the production build (issue 19, P5)',
      '',
      `Measured ${measured} by \`yarn bench:tab-ready\` on the ${context.build};`,
      `NODE_ENV=production, PostgreSQL, the demo data seeded through the public APIs, no Prometheus.`,
      `Median of ${runs} runs in headless Chromium: from navigation to the tab's marker texts on the page`,
      'with no progress bar left. Cold = a new browser context (empty cache, signed-in session); warm = the',
      `same context navigating again. ${context.machine}.`,
      '',
      ...lines,
      '',
      verdict,
      '',
      `Machine state: ${load}.`,
      '',
    ].join('\n'),
  );
  say(`results in bench-results/tab-ready.md and tab-ready.json`);
}

/**
 * Waits until the backend's own CPU use falls under 30 % of a core over 5 s (at most 3
 * minutes): the catalog has processed and stitched what was just registered, so the
 * figures are the steady state a person meets, not the ingestion burst.
 */
async function settle(pid) {
  const ticks = () => {
    const f = fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, in 1/100 s
  };
  const t0 = Date.now();
  let before = ticks();
  for (;;) {
    await sleep(5000);
    const now = ticks();
    const busy = (now - before) / 500;
    before = now;
    if (busy < 0.3 || Date.now() - t0 > 180_000) {
      say(
        `backend settled in ${Math.round(
          (Date.now() - t0) / 1000,
        )} s (${Math.round(busy * 100)} % of a core)`,
      );
      return;
    }
  }
}

async function waitFor(url, seconds, child, work) {
  for (let i = 0; i < seconds * 2; i++) {
    if (child.exitCode !== null)
      throw new Error(
        `the backend exited (${child.exitCode}); see ${work}/backend.log`,
      );
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(
    `${url} did not answer within ${seconds} s; see ${work}/backend.log`,
  );
}

async function dropDatabases(prefix) {
  const { Client } = createRequire(
    path.join(root, 'plugins/gantry-backend/package.json'),
  )('pg');
  const c = new Client({ connectionString: pgAdmin });
  try {
    await c.connect();
    const { rows } = await c.query(
      'select datname from pg_database where datname like $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows)
      await c.query(`drop database if exists "${datname}" with (force)`);
  } catch (e) {
    console.error(
      `bench:tab-ready: could not drop the ${prefix}* databases: ${e.message}`,
    );
  } finally {
    await c.end().catch(() => {});
  }
}

// ---- entry: build if needed, then measure under the lock -----------------------------
if (!process.env.GANTRY_BENCH_LOCKED) {
  if (!built()) {
    if (fs.existsSync(build) && fs.readdirSync(build).length > 0) {
      console.error(
        `bench:tab-ready: ${build} is neither empty nor a production build; remove it or pass --build DIR`,
      );
      process.exit(2);
    }
    say(
      `building the production image's contents into ${build} (several minutes)`,
    );
    const t = Date.now();
    fs.mkdirSync(build, { recursive: true });
    execFileSync('bash', ['scripts/image/build-image.sh', 'all', build], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GANTRY_IMAGE_SKIP_TSC: '1' },
    });
    say(`built in ${Math.round((Date.now() - t) / 1000)} s`);
  }
  say(`waiting for ${LOCK}`);
  const child = spawn(
    'flock',
    ['-o', LOCK, process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, GANTRY_BENCH_LOCKED: '1' } },
  );
  child.on('exit', code => process.exit(code ?? 1));
} else {
  await main();
}
