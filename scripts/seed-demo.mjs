#!/usr/bin/env node
// Seeds the demo portal through Gantry's public HTTP API, with the same static token a
// CI system uses. It never writes the database. Each domain adds its demo data here.
const args = process.argv.slice(2);
const backend = args[args.indexOf('--backend') + 1] ?? 'http://localhost:7007';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const headers = {
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
};

async function api(method, path, body) {
  const res = await fetch(`${backend}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitForCatalog(ref, seconds = 120) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  for (let i = 0; i < seconds * 2; i++) {
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
      { headers },
    );
    if (res.ok) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${ref} did not appear in the catalog within ${seconds}s`);
}

await waitForCatalog('component:default/checkout');
const overview = await api(
  'GET',
  '/api/gantry/entities/default/component/checkout/overview',
);
console.log(
  `seed: catalog ready; checkout has ${overview.configuredCount} of ${overview.capabilities.length} capabilities ready`,
);
