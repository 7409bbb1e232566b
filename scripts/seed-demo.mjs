#!/usr/bin/env node
// Seeds the demo portal through Gantry's public HTTP API, with the same static token a
// CI system uses. It never writes the database, and it can run again: evidence uploads
// are idempotent and an existing pending request is left as it is.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const backend = args.includes('--backend')
  ? args[args.indexOf('--backend') + 1]
  : 'http://localhost:7007';
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

async function call(method, urlPath, { body, raw, ok = [] } = {}) {
  const res = await fetch(`${backend}${urlPath}`, {
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
  return text ? JSON.parse(text) : undefined;
}

async function waitForCatalog(ref, seconds = 120) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  for (let i = 0; i < seconds * 2; i++) {
    const res = await fetch(
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
  ['cyclonedx-1.6-minimal.json', 'cyclonedx'],
  ['slsa-provenance-dsse.json', 'in-toto'],
  ['sarif-gitleaks-clean.json', 'sarif'],
  ['attestation-pr-review.json', 'attestation'],
  ['k6-summary.json', 'load-test'],
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

const overview = await call(
  'GET',
  '/api/gantry/entities/default/component/checkout/overview',
);
const head = await call('GET', '/api/gantry/audit/head');
console.log(
  `seed: done; checkout has ${overview.configuredCount} of ${overview.capabilities.length} capabilities ready; audit log head at record ${head.seq}`,
);
