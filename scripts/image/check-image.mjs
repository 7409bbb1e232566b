// Checks a started production build (scripts/image/test-image.sh starts it): health,
// Gantry's migrations in its PostgreSQL database, an evidence upload with the static CI
// token that is then visible, a flag evaluated over OFREP with a client key, and guest
// sign-in refused. Prints one line per check; exits 1 on the first failure.
//
// Env: BACKEND (base URL), GANTRY_CI_TOKEN, GANTRY_ALERTMANAGER_TOKEN, PG_URL (the plugin's
// database), STARTED_AT (ms epoch when the process was spawned), ENTITY
// (namespace/kind/name in the catalog).
import pg from 'pg';

const backend = process.env.BACKEND;
const token = process.env.GANTRY_CI_TOKEN;
const startedAt = Number(process.env.STARTED_AT);
const entity = `/api/gantry/entities/${process.env.ENTITY}`;
const COMMIT = '9b1f0c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c';

const sleep = ms => new Promise(r => setTimeout(r, ms));
function fail(message) {
  console.error(`check-image: FAILED: ${message}`);
  process.exit(1);
}
const ok = message => console.log(`check-image: ok: ${message}`);

async function call(method, path, { body, headers = {}, auth = token } = {}) {
  const res = await fetch(`${backend}${path}`, {
    method,
    headers: {
      ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      ...(typeof body === 'object'
        ? { 'Content-Type': 'application/json' }
        : {}),
      ...headers,
    },
    body: typeof body === 'object' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Polls `fn` until it returns a value, for up to `seconds`. */
async function eventually(what, fn, seconds) {
  const end = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      fail(`${what} within ${seconds} s${last ? ` (${last.message})` : ''}`);
    await sleep(250);
  }
}

// 1. health
await eventually(
  'GET /api/gantry/health answering 200',
  async () => {
    const res = await call('GET', '/api/gantry/health', { auth: null });
    return res.status === 200 && res.json?.database === 'ok' ? res : undefined;
  },
  180,
);
ok(
  `health 200 {database: "ok"} ${((Date.now() - startedAt) / 1000).toFixed(
    1,
  )} s after start (time to first 200)`,
);

// 2. migrations
const db = new pg.Client({ connectionString: process.env.PG_URL });
await db.connect();
const tables = (
  await db.query(
    `select table_name from information_schema.tables where table_schema = 'public'`,
  )
).rows.map(r => r.table_name);
const migrations = (
  await db.query('select name from knex_migrations order by id')
).rows.map(r => r.name);
await db.end();
for (const t of ['gantry_releases', 'gantry_evidence', 'gantry_audit_log']) {
  if (!tables.includes(t))
    fail(`table ${t} missing; tables: ${tables.sort().join(', ')}`);
}
if (migrations.length === 0) fail('knex_migrations is empty');
ok(
  `${migrations.length} migrations applied (last ${
    migrations[migrations.length - 1]
  }), ${tables.length} tables`,
);

// 3. evidence upload with the static token, then visible
const junit = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="image-smoke" tests="2" failures="0" errors="0" time="0.4">
  <testsuite name="smoke" tests="2" failures="0" errors="0" time="0.4">
    <testcase classname="smoke" name="starts" time="0.2"/>
    <testcase classname="smoke" name="answers" time="0.2"/>
  </testsuite>
</testsuites>`;
const upload = await eventually(
  'the catalog to know the smoke entity (evidence upload not 404)',
  async () => {
    const res = await call(
      'POST',
      `${entity}/releases/1.0.0/evidence/junit?commit=${COMMIT}`,
      { body: junit, headers: { 'Content-Type': 'application/xml' } },
    );
    if (res.status === 404) return undefined;
    return res;
  },
  120,
);
if (upload.status !== 201)
  fail(`evidence upload answered ${upload.status}: ${upload.text}`);
const release = await call('GET', `${entity}/releases/1.0.0`);
if (release.status !== 200 || release.json.evidence?.length !== 1)
  fail(`release 1.0.0 not visible: ${release.status} ${release.text}`);
ok(
  `evidence upload with the static token accepted (201) and visible (${release.json.evidence[0].format})`,
);

// 4. a flag evaluated over OFREP
const flag = await call('PUT', `${entity}/flags/staging/image-smoke-flag`, {
  body: {
    flag: {
      type: 'release',
      definition: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'on',
      },
    },
    baseVersion: null,
    reason: 'image smoke test',
  },
});
if (flag.status >= 300) fail(`flag PUT answered ${flag.status}: ${flag.text}`);
const key = await call('POST', `${entity}/flag-keys`, {
  body: { environment: 'staging', name: 'image smoke test' },
});
if (key.status !== 201) fail(`client key answered ${key.status}: ${key.text}`);
const evaluation = await eventually(
  'an OFREP evaluation of image-smoke-flag',
  async () => {
    const res = await call(
      'POST',
      '/api/gantry/ofrep/v1/evaluate/flags/image-smoke-flag',
      {
        body: { context: { targetingKey: 'smoke-user' } },
        auth: key.json.secret,
      },
    );
    return res.status === 200 ? res : undefined;
  },
  30,
);
if (evaluation.json.value !== true)
  fail(`OFREP answered ${evaluation.text}, expected value true`);
ok(`OFREP evaluation answered ${evaluation.text}`);

// 5. the probes the Kubernetes manifests use, and a token restricted to Gantry
for (const probe of ['liveness', 'readiness']) {
  const res = await call('GET', `/.backstage/health/v1/${probe}`, {
    auth: null,
  });
  if (res.status !== 200)
    fail(`${probe} probe answered ${res.status}: ${res.text}`);
}
ok('Backstage liveness and readiness probes answer 200');
const restricted = await call('GET', '/api/catalog/entities?limit=1', {
  auth: process.env.GANTRY_ALERTMANAGER_TOKEN,
});
if (restricted.status < 400)
  fail(
    `the Alertmanager token (restricted to gantry) read the catalog: ${restricted.status}`,
  );
const allowed = await call('GET', '/api/gantry/audit/head', {
  auth: process.env.GANTRY_ALERTMANAGER_TOKEN,
});
if (allowed.status !== 200)
  fail(
    `the Alertmanager token was refused by Gantry: ${allowed.status} ${allowed.text}`,
  );
ok(
  `the Alertmanager token is accepted by Gantry and refused outside it (${restricted.status})`,
);

// 6. guest sign-in refused in production
const guest = await call('GET', '/api/auth/guest/refresh?env=production', {
  auth: null,
  headers: { 'X-Requested-With': 'XMLHttpRequest' },
});
if (guest.status < 400 || guest.json?.backstageIdentity)
  fail(
    `guest sign-in was allowed in production: ${guest.status} ${guest.text}`,
  );
ok(
  `guest sign-in refused: ${guest.status} ${
    guest.json?.error?.message ?? guest.text
  }`,
);
