import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Platform Team',
  GIT_AUTHOR_EMAIL: 'platform@example.com',
  GIT_COMMITTER_NAME: 'Platform Team',
  GIT_COMMITTER_EMAIL: 'platform@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
};

/** Runs git with a fixed identity and no user or system config. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
  });
}

export interface GitHttpServer {
  /** The project root holding the bare repositories. */
  root: string;
  baseUrl: string;
  /** Answer every request 503 while true (a repository host that is down). */
  down: boolean;
  /** Answer every request this much later (a slow host). */
  delayMs: number;
  /** Basic-auth users seen on requests (as `user:password`). */
  authSeen: string[];
  close(): Promise<void>;
}

/**
 * Debian's `git http-backend` behind a tiny node:http CGI bridge: the real smart HTTP
 * protocol, pushes included. With `requireAuth`, requests without those basic-auth
 * credentials get a 401 challenge, as GitHub and GitLab answer.
 */
export async function startGitHttpServer(
  opts: {
    requireAuth?: { username: string; password: string };
  } = {},
): Promise<GitHttpServer> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'gantry-git-'));
  const state: GitHttpServer = {
    root,
    baseUrl: '',
    down: false,
    delayMs: 0,
    authSeen: [],
    close: async () => {},
  };
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (state.down) {
      res.writeHead(503).end('down for maintenance');
      req.resume();
      return;
    }
    const auth = req.headers.authorization?.startsWith('Basic ')
      ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString()
      : undefined;
    if (auth) state.authSeen.push(auth);
    const want = opts.requireAuth;
    if (want && auth !== `${want.username}:${want.password}`) {
      res
        .writeHead(401, { 'www-authenticate': 'Basic realm="git"' })
        .end('authentication required');
      req.resume();
      return;
    }
    const url = new URL(req.url!, 'http://localhost');
    const child = spawn(GIT_HTTP_BACKEND, [], {
      env: {
        ...GIT_ENV,
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GATEWAY_INTERFACE: 'CGI/1.1',
        PATH_INFO: decodeURIComponent(url.pathname),
        REQUEST_METHOD: req.method!,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length']
          ? { CONTENT_LENGTH: req.headers['content-length'] }
          : {}),
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: auth?.split(':')[0] ?? 'anonymous',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      const endLf = head.indexOf('\n\n');
      const [at, sep] =
        end >= 0 && (endLf < 0 || end < endLf) ? [end, 4] : [endLf, 2];
      if (at < 0) return;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, at).toString().split(/\r?\n/)) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(at + sep));
    });
    child.stderr.resume();
    child.on('close', () => {
      if (!headersSent) res.writeHead(502);
      res.end();
    });
  };
  const server = http.createServer((req, res) =>
    setTimeout(() => serve(req, res), state.delayMs),
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  state.close = () =>
    new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => fs.promises.rm(root, { recursive: true, force: true }));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/**
 * A bare repository `name` (e.g. acme/deploy.git) under the server's root whose default
 * branch `main` holds `files`, committed once by the platform team.
 */
export function createBareRepo(
  root: string,
  name: string,
  files: Record<string, string>,
): string {
  const bare = path.join(root, name);
  fs.mkdirSync(bare, { recursive: true });
  gitIn(bare, 'init', '--bare', '--initial-branch=main', '--quiet');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-seed-'));
  try {
    gitIn(work, 'init', '--initial-branch=main', '--quiet');
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.writeFileSync(path.join(work, file), text);
    }
    gitIn(work, 'add', '.');
    gitIn(work, 'commit', '--quiet', '-m', 'Overlays from the Gantry template');
    gitIn(work, 'push', '--quiet', bare, 'main');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return bare;
}
