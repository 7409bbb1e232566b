// The live part of the demo seed, through public APIs only: the SLO rules Gantry
// generates go into the demo Prometheus, canaries are judged from that Prometheus,
// flags are evaluated and an experiment gets exposure and conversion events, a
// promotion is approved by an owner other than its requester, and a production deployment
// of search is followed by an error burn that Prometheus alerts on (Alertmanager -> Gantry).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CANARIES } from './demo-services.mjs';

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Writes each SLO-declaring entity's generated rules (GET …/slos/rules) into the
 * Prometheus rules folder, checks them with promtool and reloads Prometheus.
 */
export async function loadSloRules({
  call,
  backend,
  token,
  prometheus,
  rulesDir,
}) {
  const filter = ['gantry.dev/slo-spec', 'gantry.dev/slos']
    .map(a => `filter=metadata.annotations.${a}`)
    .join('&');
  const res = await fetch(
    `${backend}/api/catalog/entities/by-query?${filter}`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  if (!res.ok) throw new Error(`catalog query -> ${res.status}`);
  const { items } = await res.json();
  fs.mkdirSync(rulesDir, { recursive: true });
  const files = [];
  for (const e of items) {
    const ns = e.metadata.namespace ?? 'default';
    const kind = e.kind.toLowerCase();
    const rules = await call(
      'GET',
      `/api/gantry/entities/${ns}/${kind}/${e.metadata.name}/slos/rules`,
      { text: true },
    );
    const file = path.join(rulesDir, `${ns}-${kind}-${e.metadata.name}.yml`);
    fs.writeFileSync(file, rules);
    execFileSync('promtool', ['check', 'rules', file], { stdio: 'pipe' });
    files.push(file);
  }
  const reload = await fetch(`${prometheus}/-/reload`, { method: 'POST' });
  if (!reload.ok)
    throw new Error(
      `Prometheus reload -> ${reload.status}: ${await reload.text()}`,
    );
  const groups = (await (await fetch(`${prometheus}/api/v1/rules`)).json()).data
    .groups;
  console.log(
    `seed: ${files.length} SLO rule file(s) loaded into Prometheus (${groups.length} rule groups)`,
  );
}

/** Waits until the exporter has run long enough to fill a canary analysis window. */
async function analysisWindow(exporter, wantSeconds = 240, minSeconds = 90) {
  const { startedAt } = await (await fetch(`${exporter}/healthz`)).json();
  // two scrapes of margin at the start of the window
  const age = () =>
    Math.floor((Date.now() - Date.parse(startedAt)) / 1000) - 15;
  while (age() < minSeconds) await sleep(2000);
  return Math.min(wantSeconds, age());
}

export async function judgeCanaries({ call, exporter }) {
  const windowSeconds = await analysisWindow(exporter);
  const verdicts = {};
  for (const c of CANARIES) {
    const a = await call(
      'POST',
      `/api/gantry/entities/default/component/${c.entity}/canary/analyses`,
      {
        body: {
          rolloutNamespace: c.namespace,
          rollout: c.rollout,
          service: c.entity,
          step: c.step,
          canaryHash: c.canaryHash,
          baselineHash: c.baselineHash,
          windowSeconds,
          stepSeconds: 10,
        },
      },
    );
    verdicts[c.entity] = a.verdict;
    console.log(
      `seed: canary ${c.entity} ${c.canaryHash} judged from Prometheus over ${windowSeconds}s: ${a.verdict} (score ${a.score})`,
    );
  }
  return verdicts;
}

const userOf = i => `shopper-${String(i).padStart(4, '0')}`;
/** A stable pseudo-random number in [0, 1) per key. */
const unit = key =>
  createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;

/**
 * A client key for checkout's staging flags, 400 shoppers evaluated through OFREP (the
 * usage card), and an experiment on new-checkout-flow with their exposures and orders.
 */
export async function flagTraffic({ call, backend }) {
  const entity = '/api/gantry/entities/default/component/checkout';
  const key = await call('POST', `${entity}/flag-keys`, {
    body: { environment: 'staging', name: 'demo shop web (seed)' },
  });
  await call('PUT', `${entity}/flags/staging/new-checkout-flow/experiment`, {
    body: {
      conversionEvent: 'order-placed',
      controlVariant: 'off',
      minimumDetectableEffect: 0.05,
      baselineRate: 0.1,
    },
  });
  const events = [];
  const seen = {};
  for (let i = 0; i < 400; i++) {
    const targetingKey = userOf(i);
    const res = await fetch(
      `${backend}/api/gantry/ofrep/v1/evaluate/flags/new-checkout-flow`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${key.secret}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ context: { targetingKey } }),
      },
    );
    if (!res.ok)
      throw new Error(`OFREP evaluation -> ${res.status}: ${await res.text()}`);
    const { variant } = await res.json();
    seen[variant] = (seen[variant] ?? 0) + 1;
    events.push({
      type: 'exposure',
      id: `seed-exposure-${targetingKey}`,
      targetingKey,
      flagKey: 'new-checkout-flow',
      variant,
    });
    // The new flow converts better: 16 % against 9 %.
    if (unit(targetingKey) < (variant === 'on' ? 0.16 : 0.09)) {
      events.push({
        type: 'conversion',
        id: `seed-order-${targetingKey}`,
        targetingKey,
        event: 'order-placed',
      });
    }
  }
  const res = await fetch(`${backend}/api/gantry/flags/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${key.secret}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ events }),
  });
  if (!res.ok)
    throw new Error(`flag events -> ${res.status}: ${await res.text()}`);
  console.log(
    `seed: new-checkout-flow evaluated for 400 shoppers in staging (${Object.entries(
      seen,
    )
      .map(([v, n]) => `${v} ${n}`)
      .join(', ')}); ${events.length} experiment events sent`,
  );
}

/** A user token from the guest provider, as the portal's sign-in gets one. */
export async function guestToken(backend) {
  const res = await fetch(`${backend}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest sign-in -> ${res.status}: ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
}

/**
 * Storefront 2.3.0's production request (dave asked) approved by the guest, a direct
 * member of platform, so CC8.1 has an approved production change to show.
 */
export async function approveStorefront({ call, backend }) {
  const { items } = await call(
    'GET',
    '/api/gantry/entities/default/component/storefront/promotions',
  );
  const request = items.find(
    p => p.version === '2.3.0' && p.environment === 'production',
  );
  if (!request) throw new Error('storefront 2.3.0 has no production request');
  if (request.status !== 'pending') {
    console.log(
      `seed: storefront 2.3.0 promotion is already ${request.status}`,
    );
    return;
  }
  const token = await guestToken(backend);
  const res = await fetch(
    `${backend}/api/gantry/promotions/${request.id}/decision`,
    {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        decision: 'approve',
        comment: 'Checked the gate and the load test: go.',
      }),
    },
  );
  if (!res.ok)
    throw new Error(
      `approving storefront 2.3.0 -> ${res.status}: ${await res.text()}`,
    );
  const decided = await res.json();
  console.log(
    `seed: storefront 2.3.0 to production requested by ${request.requestedBy}, approved by the guest: ${decided.status}`,
  );
}

/** search 4.2.0's commit, the release the burn follows. */
export const SEARCH_420_COMMIT = '5e4a2c0b9d8f7e6a5b4c3d2e1f0a9b8c7d6e5f4a';

/**
 * Argo CD's notification of search 4.2.0 reaching production, then an error burn in the
 * synthetic traffic: Prometheus's burn-rate alert goes through Alertmanager to Gantry,
 * which opens an incident naming this deployment as the suspect.
 */
export async function deployAndBurn({ call, exporter }) {
  const startedAt = new Date();
  await call('POST', '/api/gantry/deployments/events', {
    body: {
      source: 'argocd',
      instance: 'demo',
      application: 'search-production',
      entityRef: 'component:default/search',
      labels: {
        'app.kubernetes.io/name': 'search',
        'gantry.dev/environment': 'production',
      },
      revision: SEARCH_420_COMMIT,
      phase: 'Succeeded',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + 20_000).toISOString(),
      commitTime: new Date(startedAt.getTime() - 3_600_000).toISOString(),
      initiatedBy: { automated: true },
    },
  });
  await sleep(1000);
  const res = await fetch(`${exporter}/burn?seconds=300`, { method: 'POST' });
  if (!res.ok) throw new Error(`exporter burn -> ${res.status}`);
  console.log(
    'seed: search 4.2.0 deployed to production; its error rate burns for 5 minutes (Prometheus alerts, Alertmanager tells Gantry)',
  );
}
