#!/usr/bin/env node
// Seeds the demo portal through Gantry's public HTTP API, with the same static token a
// CI system uses. It never writes the database, and it can run again: evidence uploads
// are idempotent and an existing pending request is left as it is.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  approveStorefront,
  deployAndBurn,
  flagTraffic,
  judgeCanaries,
  loadSloRules,
} from './demo/live-seed.mjs';

const args = process.argv.slice(2);
const backend = args.includes('--backend')
  ? args[args.indexOf('--backend') + 1]
  : 'http://localhost:7007';
const opt = name =>
  args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
// The live demo's monitoring (scripts/lib/portal.sh starts it); without --prometheus the
// seed leaves out what needs it.
const prometheus = opt('--prometheus');
const exporter = opt('--exporter') ?? 'http://127.0.0.1:7091';
const rulesDir = opt('--rules-dir');
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
// The demo reuses the realistic evidence files the parser tests are written against.
const samples = path.join(
  root,
  'plugins/gantry-backend/src/evidence/parsers/__fixtures__',
);
const DIGEST =
  'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

// The dev backend restarts when a source file changes; wait for it to come back.
async function fetchRetrying(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, init);
      if (res.status !== 503 || attempt >= 180) return res;
    } catch (e) {
      if (attempt >= 180) throw e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function call(
  method,
  urlPath,
  { body, raw, ok = [], text: asText } = {},
) {
  const res = await fetchRetrying(`${backend}${urlPath}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(raw !== undefined
        ? { 'Content-Type': 'application/octet-stream' }
        : {}),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  if (!res.ok && !ok.includes(res.status))
    throw new Error(`${method} ${urlPath} -> ${res.status}: ${text}`);
  if (asText) return text;
  return text ? JSON.parse(text) : undefined;
}

async function waitForCatalog(ref, seconds = 120) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  for (let i = 0; i < seconds * 2; i++) {
    const res = await fetchRetrying(
      `${backend}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    if (res.ok) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${ref} did not appear in the catalog within ${seconds}s`);
}

async function release(entity, version, commit, files) {
  for (const [file, format] of files) {
    const rec = await call(
      'POST',
      `/api/gantry/entities/default/component/${entity}/releases/${version}/evidence/${format}?commit=${commit}&imageDigest=${DIGEST}`,
      { raw: fs.readFileSync(path.join(samples, file)) },
    );
    console.log(
      `seed: ${entity} ${version} ${format}: ${rec.summary.headline}`,
    );
  }
}

await waitForCatalog('component:default/checkout');
await waitForCatalog('user:default/dave');

// checkout 1.4.2 fails its gates: a fixable critical CVE and two failing tests
await release('checkout', '1.4.2', 'ffee0011aabbccddeeff00112233445566778899', [
  ['trivy-v2.json', 'trivy'],
  ['junit-nested.xml', 'junit'],
  ['cyclonedx-1.5.json', 'cyclonedx'],
  ['slsa-provenance.json', 'in-toto'],
]);
// checkout 1.5.0 carries everything production asks for, but no approval yet
await release('checkout', '1.5.0', '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b', [
  ['trivy-clean.json', 'trivy'],
  ['junit-testsuite-root.xml', 'junit'],
  ['spdx-2.3.json', 'spdx'],
  ['slsa-provenance-dsse.json', 'in-toto'],
  ['sarif-gitleaks-clean.json', 'sarif'],
  ['attestation-pr-review.json', 'attestation'],
  ['k6-summary.json', 'load-test'],
  ['migration-expand-only.json', 'migration'],
]);
// storefront 2.3.0 is ready, and its pipeline (started by dave) asks for production
await release(
  'storefront',
  '2.3.0',
  '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b',
  [
    ['trivy-clean.json', 'trivy'],
    ['junit-testsuite-root.xml', 'junit'],
    ['spdx-2.3.json', 'spdx'],
    ['slsa-provenance-dsse.json', 'in-toto'],
    ['sarif-gitleaks-clean.json', 'sarif'],
  ],
);
await call(
  'POST',
  '/api/gantry/entities/default/component/storefront/releases/2.3.0/promotions',
  {
    body: {
      environment: 'production',
      reason: 'New checkout button on the product page',
      requestedBy: 'user:default/dave',
    },
    ok: [409],
  },
);

// Eight weeks of checkout deployments, as Argo CD and Argo Rollouts notifications would
// report them, so the history and DORA cards have something to show. Redelivery is a
// no-op, so seeding twice keeps one row per deployment.
const DAY = 86_400_000;
// anchored on midnight UTC so seeding again the same day sends the same events
const weeksAgo = Math.floor(Date.now() / DAY) * DAY - 56 * DAY;
let deployments = 0;
for (let i = 0; i < 40; i++) {
  const started = weeksAgo + i * 1.4 * DAY;
  const revision = createHash('sha1').update(`checkout-${i}`).digest('hex');
  for (const [env, lag] of [
    ['staging', 0],
    ['production', 0.2 * DAY],
  ]) {
    const startedAt = new Date(started + lag);
    const failed = env === 'production' && i % 9 === 4;
    const aborted = env === 'production' && i % 11 === 3;
    const labels = {
      'app.kubernetes.io/name': 'checkout',
      'gantry.dev/environment': env,
    };
    await call('POST', '/api/gantry/deployments/events', {
      body: {
        source: 'argocd',
        instance: 'demo',
        application: `checkout-${env}`,
        labels,
        revision,
        phase: failed ? 'Failed' : 'Succeeded',
        startedAt: startedAt.toISOString(),
        finishedAt: new Date(
          startedAt.getTime() + (90 + (i % 7) * 40) * 1000,
        ).toISOString(),
        commitTime: new Date(started - (2 + (i % 5)) * 3_600_000).toISOString(),
        initiatedBy:
          i % 6 === 0
            ? { username: 'alice@example.com', automated: false }
            : { automated: true },
      },
    });
    if (aborted) {
      await call('POST', '/api/gantry/deployments/events', {
        body: {
          source: 'argo-rollouts',
          instance: 'demo',
          event: 'rollout-aborted',
          application: `checkout-${env}`,
          labels,
          rollout: 'checkout',
          namespace: `shop-${env}`,
          at: new Date(startedAt.getTime() + 25 * 60_000).toISOString(),
        },
      });
    }
    deployments++;
  }
}

// One incident, opened and resolved by Alertmanager's webhook, on the production
// deployment of three days ago: the Incidents card and the DORA time to restore show it.
const incidentStart = new Date(
  weeksAgo + 37 * 1.4 * DAY + 0.2 * DAY + 20 * 60_000,
);
const demoAlert = status => ({
  status,
  labels: {
    alertname: 'CheckoutHighErrorRate',
    severity: 'page',
    environment: 'production',
    gantry_entity: 'component:default/checkout',
    sloth_service: 'checkout',
    sloth_slo: 'requests-availability',
  },
  annotations: {
    summary: 'checkout burned its error budget 14.4x too fast',
    runbook_url:
      '/docs/default/component/checkout/runbooks/CheckoutHighErrorRate/',
  },
  startsAt: incidentStart.toISOString(),
  endsAt:
    status === 'resolved'
      ? new Date(incidentStart.getTime() + 38 * 60_000).toISOString()
      : '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph',
  fingerprint: 'a1b2c3d4e5f60718',
});
for (const status of ['firing', 'resolved']) {
  await call('POST', '/api/gantry/alerts/alertmanager', {
    body: {
      receiver: 'gantry-incidents',
      status,
      alerts: [demoAlert(status)],
      groupLabels: { alertname: 'CheckoutHighErrorRate' },
      commonLabels: { severity: 'page' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      version: '4',
      groupKey: '{}:{alertname="CheckoutHighErrorRate"}',
      truncatedAlerts: 0,
    },
  });
}

// Checkout's feature flags, through the flags API: a 25 % rollout and a kill switch in
// staging; the production change waits for a second owner (four eyes).
const flags = '/api/gantry/entities/default/component/checkout/flags';
const checkoutFlags = {
  'new-checkout-flow': {
    type: 'release',
    definition: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 2500],
          ['off', 7500],
        ],
      },
    },
  },
  // Gated on new-checkout-flow: only users who get the new flow can get one-click pay.
  'one-click-pay': {
    type: 'release',
    definition: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
    },
    prerequisites: [{ flag: 'new-checkout-flow', variants: ['on'] }],
  },
  'payments-circuit-breaker': {
    type: 'kill-switch',
    definition: {
      state: 'ENABLED',
      variants: { open: false, closed: true },
      defaultVariant: 'closed',
    },
  },
};
for (const env of ['staging', 'production']) {
  for (const [key, flag] of Object.entries(checkoutFlags)) {
    // In production new-checkout-flow waits for approval, so nothing can depend on it yet.
    if (env === 'production' && flag.prerequisites) continue;
    await call('PUT', `${flags}/${env}/${key}`, {
      body: { flag, baseVersion: null, reason: 'demo seed' },
      ok: [412],
    });
  }
}

await approveStorefront({ call, backend });

if (prometheus) {
  await waitForCatalog('component:default/search');
  await waitForCatalog('component:default/recommendations');
  const live = { call, backend, token, prometheus, exporter, rulesDir };
  await loadSloRules(live);
  await judgeCanaries(live);
  await flagTraffic(live);
  await deployAndBurn(live);
}

const overview = await call(
  'GET',
  '/api/gantry/entities/default/component/checkout/overview',
);
const head = await call('GET', '/api/gantry/audit/head');
console.log(
  `seed: done; checkout has ${overview.configuredCount} of ${overview.capabilities.length} capabilities ready and ${deployments} deployments recorded; audit log head at record ${head.seq}`,
);
