import { once } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateOverlays } from './generate';
import { SECRETS_DIR } from './alertmanagerConversion';

// The generated routing in the real Alertmanager (Debian's prometheus-alertmanager):
// Gantry's receiver gets the v4 webhook with the bearer token from the Secret file, and
// a page inhibits its ticket twin.
jest.setTimeout(90_000);

const listen = (server: http.Server) =>
  new Promise<number>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );
const freePort = async () => {
  const s = http.createServer();
  const port = await listen(s);
  await new Promise(r => s.close(r));
  return port;
};
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(
  probe: () => Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`nothing after ${ms} ms`);
    await sleep(250);
  }
}

describe('generated routing in a running Alertmanager', () => {
  const received: Array<{ auth?: string; body: any }> = [];
  const gantry = http.createServer((req, res) => {
    let data = '';
    req.on('data', c => (data += c));
    req.on('end', () => {
      received.push({
        auth: req.headers.authorization,
        body: JSON.parse(data),
      });
      res.writeHead(200).end();
    });
  });
  let am: ChildProcess;
  let amUrl: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-am-'));

  beforeAll(async () => {
    const gantryPort = await listen(gantry);
    const files = generateOverlays({
      name: 'checkout',
      namespace: 'shop',
      image: 'ghcr.io/acme/checkout',
      gitopsRepoUrl: 'https://github.com/acme/gitops',
      alerting: { gantryUrl: `http://127.0.0.1:${gantryPort}` },
    });
    const secrets = path.join(dir, 'secrets/checkout-alerting');
    fs.mkdirSync(secrets, { recursive: true });
    fs.writeFileSync(path.join(secrets, 'gantry-token'), 'am-token\n');
    fs.writeFileSync(path.join(secrets, 'pagerduty-routing-key'), 'x');
    fs.writeFileSync(
      path.join(secrets, 'slack-webhook-url'),
      `http://127.0.0.1:${gantryPort}/slack`,
    );
    const config = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(
      config,
      files['alerting/production/alertmanager.yml'].replaceAll(
        SECRETS_DIR,
        path.join(dir, 'secrets'),
      ),
    );
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${config}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    await until(
      async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined),
      20_000,
    );
  });

  afterAll(async () => {
    // Alertmanager writes its data files on shutdown: remove the directory after it exits
    const exited = am && am.exitCode === null ? once(am, 'exit') : undefined;
    am?.kill();
    await exited;
    await new Promise(r => gantry.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the page to Gantry with the bearer token and inhibits its ticket twin', async () => {
    const labels = (severity: string) => ({
      alertname: 'CheckoutHighErrorRate',
      gantry_entity: 'component:default/checkout',
      sloth_service: 'checkout',
      sloth_slo: 'requests-availability',
      severity,
    });
    const post = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ['page', 'ticket'].map(severity => ({
          labels: labels(severity),
          annotations: {
            runbook_url:
              'https://portal.acme.dev/docs/default/component/checkout/runbooks/CheckoutHighErrorRate/',
          },
        })),
      ),
    });
    expect(post.status).toBe(200);

    const hook = await until(
      async () => received.find(r => r.body?.receiver === 'gantry-incidents'),
      30_000,
    );
    expect(hook.auth).toBe('Bearer am-token');
    expect(hook.body).toMatchObject({
      version: '4',
      status: 'firing',
      groupLabels: {
        alertname: 'CheckoutHighErrorRate',
        sloth_service: 'checkout',
        sloth_slo: 'requests-availability',
      },
    });
    expect(hook.body.alerts.map((a: any) => a.labels.severity)).toEqual([
      'page',
    ]);
    expect(hook.body.alerts[0].annotations.runbook_url).toContain(
      '/docs/default/component/checkout/runbooks/CheckoutHighErrorRate/',
    );

    const alerts: any[] = await (await fetch(`${amUrl}/api/v2/alerts`)).json();
    const ticket = alerts.find(a => a.labels.severity === 'ticket');
    const page = alerts.find(a => a.labels.severity === 'page');
    expect(ticket.status).toMatchObject({
      state: 'suppressed',
      inhibitedBy: [page.fingerprint],
    });
    expect(page.status.state).toBe('active');
  });
});
