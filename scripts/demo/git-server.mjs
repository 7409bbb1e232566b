#!/usr/bin/env node
// The demo's GitOps repository host: Debian's `git http-backend` (smart HTTP, pushes
// included) behind a few lines of node:http CGI bridging.
//   node scripts/demo/git-server.mjs <port> <root>
// On start it creates <root>/shop-deploy.git, a bare repository holding the kustomize
// overlays of recommendations with their `images:` entry (release 3.0.0), the field
// Gantry rewrites when a promotion is approved (gantry.dev/gitops-mode: commit).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const port = Number(process.argv[2] ?? 7094);
const root = path.resolve(process.argv[3] ?? '.gantry/git');
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Platform Team',
  GIT_AUTHOR_EMAIL: 'platform@example.com',
  GIT_COMMITTER_NAME: 'Platform Team',
  GIT_COMMITTER_EMAIL: 'platform@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
};
export const STABLE_DIGEST =
  'sha256:9b2f6c1e4d8a7b3c5e0f1a2d4c6b8e0a1f3d5c7b9e2a4c6d8f0b1e3a5c7d9f1b';

const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
  });

function createRepository() {
  const bare = path.join(root, 'shop-deploy.git');
  if (fs.existsSync(bare)) return;
  fs.mkdirSync(root, { recursive: true });
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(bare, 'config', 'http.receivepack', 'true');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-demo-gitops-'));
  git(work, 'init', '--quiet', '--initial-branch=main');
  for (const env of ['staging', 'production']) {
    const dir = path.join(work, 'recommendations/overlays', env);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `namespace: shop-${env === 'production' ? 'production' : 'staging'}`,
        'resources:',
        '  - ../../base',
        '# Gantry writes approved releases here (tag and digest).',
        'images:',
        '  - name: ghcr.io/acme/recommendations',
        '    newTag: 3.0.0',
        `    digest: ${STABLE_DIGEST}`,
        '',
      ].join('\n'),
    );
  }
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'recommendations: overlays at 3.0.0');
  git(work, 'push', '--quiet', bare, 'main');
  fs.rmSync(work, { recursive: true, force: true });
}

function serve(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const child = spawn('/usr/lib/git-core/git-http-backend', [], {
    env: {
      ...GIT_ENV,
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      PATH_INFO: decodeURIComponent(url.pathname),
      REQUEST_METHOD: req.method,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length']
        ? { CONTENT_LENGTH: req.headers['content-length'] }
        : {}),
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'gantry-demo',
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let streaming = false;
  child.stdout.on('data', chunk => {
    if (streaming) return res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const [at, sep] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
    if (at < 0) return undefined;
    let status = 200;
    const headers = {};
    for (const line of head.subarray(0, at).toString().split(/\r?\n/)) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else if (name) headers[name] = value;
    }
    res.writeHead(status, headers);
    streaming = true;
    return res.write(head.subarray(at + sep));
  });
  child.stdout.on('end', () => res.end());
  child.stderr.on('data', d => process.stderr.write(d));
  child.on('error', e => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(e));
  });
}

createRepository();
http
  .createServer(serve)
  .listen(port, '127.0.0.1', () =>
    console.log(
      `demo GitOps repositories on http://127.0.0.1:${port}/ (${root})`,
    ),
  );
