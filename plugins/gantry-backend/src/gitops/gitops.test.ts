import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough } from '../__testUtils__/backend';
import {
  complianceEntities,
  notificationsMock,
} from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  createBareRepo,
  gitIn,
  startGitHttpServer,
  type GitHttpServer,
} from '../__testUtils__/gitHttpBackend';
import { gantryPlugin } from '../plugin';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const msw = setupServer(localPassthrough);

const DIGEST =
  'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';
const COMMIT = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const GHE_API = 'https://ghe.example.test/api/v3';
const TOKEN = 'ghp_gantrytesttoken';
const base = '/api/gantry/entities/default/component/checkout';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const ci = () => mockCredentials.service.header();

const FIXTURE_REPO = path.join(__dirname, '__fixtures__/repo');
function fixtureFiles(dir = FIXTURE_REPO, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.posix.join(prefix, e.name);
    if (e.isDirectory())
      Object.assign(out, fixtureFiles(path.join(dir, e.name), rel));
    else out[rel] = fs.readFileSync(path.join(dir, e.name), 'utf8');
  }
  return out;
}
const trivy = fs.readFileSync(
  path.join(__dirname, '../evidence/parsers/__fixtures__/trivy-v2.json'),
);

describe.each(databases.eachSupportedId())(
  'promotion is a Git change, on %s',
  databaseId => {
    let git: GitHttpServer;
    let knex: Knex;
    let server: any;
    let bare: string;
    let repoUrl: string;

    beforeAll(async () => {
      msw.listen({ onUnhandledRequest: 'error' });
      git = await startGitHttpServer({
        requireAuth: { username: 'x-access-token', password: TOKEN },
      });
    });
    afterAll(async () => {
      msw.close();
      await git.close();
    });
    afterEach(() => msw.resetHandlers());

    let repoCount = 0;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const name = `acme/deploy-${databaseId}-${++repoCount}.git`.toLowerCase();
      bare = createBareRepo(git.root, name, fixtureFiles());
      repoUrl = `${git.baseUrl}/${name}`;
    });

    async function start(
      annotations: Record<string, string>,
      gitops: object = {},
    ) {
      const checkout = complianceEntities[0];
      const entity: Entity = {
        ...checkout,
        metadata: {
          ...checkout.metadata,
          annotations: { ...checkout.metadata.annotations, ...annotations },
        },
      };
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            data: {
              integrations: {
                github: [
                  {
                    host: new URL(git.baseUrl).host,
                    apiBaseUrl: GHE_API,
                    token: TOKEN,
                  },
                ],
              },
              gantry: {
                gitops: {
                  author: { name: 'Gantry', email: 'gantry@example.com' },
                  ...gitops,
                },
              },
            },
          }),
          catalogServiceMock.factory({
            entities: [entity, ...complianceEntities.slice(1)],
          }),
          notificationsMock,
        ],
      }));
    }

    const upload = (version: string, query: string) =>
      request(server)
        .post(`${base}/releases/${version}/evidence/trivy?${query}`)
        .set('Authorization', ci())
        .set('Content-Type', 'application/octet-stream')
        .send(trivy);

    /** alice asks, bob (the other payments owner) approves: segregation of duties. */
    async function approveAsAnotherOwner(version = '1.4.2') {
      const asked = await request(server)
        .post(`${base}/releases/${version}/promotions`)
        .set('Authorization', as('alice'))
        .send({ environment: 'production', reason: 'Ship the new checkout' });
      expect(asked.status).toBe(201);
      const own = await request(server)
        .post(`/api/gantry/promotions/${asked.body.id}/decision`)
        .set('Authorization', as('alice'))
        .send({ decision: 'approve' });
      expect(own.status).toBe(403);
      const approved = await request(server)
        .post(`/api/gantry/promotions/${asked.body.id}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve', comment: 'LGTM' });
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('approved');
      return asked.body.id as string;
    }

    const changes = async () =>
      (
        await request(server)
          .get(`${base}/gitops-changes`)
          .set('Authorization', as('carol'))
      ).body.items;
    const retry = (id: string, user = 'alice') =>
      request(server)
        .post(`${base}/promotions/${id}/gitops`)
        .set('Authorization', as(user));
    const bareGit = (...args: string[]) => gitIn(bare, ...args);
    const commitCount = (ref = 'main') =>
      Number(bareGit('rev-list', '--count', ref).trim());
    /** The +/- lines of a commit's diff, without the file headers. */
    const diffLines = (ref: string) =>
      bareGit('show', '--format=', '--unified=0', ref)
        .split('\n')
        .filter(l => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));

    it('commit mode: the approval pushes exactly the images: change to the overlay, once', async () => {
      await start({
        'gantry.dev/gitops-repo': repoUrl,
        'gantry.dev/gitops-mode': 'commit',
      });
      expect(
        (await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`))
          .status,
      ).toBe(201);
      const before = bareGit('rev-parse', 'main').trim();
      const id = await approveAsAnotherOwner();

      const head = bareGit('rev-parse', 'main').trim();
      expect(bareGit('rev-parse', 'main~1').trim()).toBe(before);
      expect(bareGit('show', '--name-only', '--format=', head).trim()).toBe(
        'overlays/production/kustomization.yaml',
      );
      expect(diffLines(head)).toEqual([
        '-    newTag: 1.0.0 # the release running in production',
        '+    newTag: 1.4.2 # the release running in production',
        `+    digest: ${DIGEST}`,
      ]);
      const message = bareGit('log', '-1', '--format=%an <%ae>%n%B', head);
      expect(message).toContain('Gantry <gantry@example.com>');
      expect(message).toContain(
        'Promote component:default/checkout 1.4.2 to production',
      );
      expect(message).toContain('approved by user:default/bob');
      // the token of the GitHub integration for this host authenticated the push
      expect(git.authSeen).toContain(`x-access-token:${TOKEN}`);

      const [change] = await changes();
      expect(change).toMatchObject({
        requestId: id,
        mode: 'commit',
        status: 'committed',
        commitSha: head,
        branch: 'main',
        digest: DIGEST,
        tag: '1.4.2',
        path: 'overlays/production/kustomization.yaml',
        attempts: 1,
      });
      // the GitHub integration covers the host, so the commit links to its page
      expect(change.url).toBe(
        `${repoUrl.replace(/\.git$/, '')}/commit/${head}`,
      );

      // idempotent: asking again returns the recorded change and pushes nothing
      const again = await retry(id);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: change.id, commitSha: head });
      expect(bareGit('rev-parse', 'main').trim()).toBe(head);

      const audit = await knex('gantry_audit_log').select('record');
      const actions = audit.map(r => JSON.parse(r.record).action);
      expect(
        actions.filter((a: string) => a === 'gitops.committed'),
      ).toHaveLength(1);

      // kustomize builds the rewritten overlay with the release pinned by digest
      const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-built-'));
      try {
        gitIn(clone, 'clone', '--quiet', bare, '.');
        const built = execFileSync(
          'kubectl',
          ['kustomize', 'overlays/production'],
          { cwd: clone, encoding: 'utf8' },
        );
        expect(built).toContain(`image: ghcr.io/acme/checkout:1.4.2@${DIGEST}`);
        const staging = execFileSync(
          'kubectl',
          ['kustomize', 'overlays/staging'],
          {
            cwd: clone,
            encoding: 'utf8',
          },
        );
        expect(staging).toContain('image: ghcr.io/acme/checkout:1.0.0\n');
      } finally {
        fs.rmSync(clone, { recursive: true, force: true });
      }
    });

    it('pull-request mode: pushes a branch and opens one GitHub pull request with it', async () => {
      const calls: { method: string; url: string; body?: any }[] = [];
      const pulls: any[] = [];
      const owner = `acme`;
      const repo = path.posix.basename(new URL(repoUrl).pathname, '.git');
      msw.use(
        http.get(
          `${GHE_API}/repos/${owner}/${repo}/pulls`,
          ({ request: r }) => {
            calls.push({ method: 'GET', url: r.url });
            const q = new URL(r.url).searchParams;
            expect(r.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
            return HttpResponse.json(
              pulls.filter(p => `${owner}:${p.head.ref}` === q.get('head')),
            );
          },
        ),
        http.post(
          `${GHE_API}/repos/${owner}/${repo}/pulls`,
          async ({ request: r }) => {
            const body = (await r.json()) as any;
            calls.push({ method: 'POST', url: r.url, body });
            const pull = {
              number: 42,
              html_url: `https://ghe.example.test/${owner}/${repo}/pull/42`,
              state: 'open',
              head: { ref: body.head },
              base: { ref: body.base },
            };
            pulls.push(pull);
            return HttpResponse.json(pull, { status: 201 });
          },
        ),
      );
      await start({
        'gantry.dev/gitops-repo': repoUrl,
        'gantry.dev/gitops-path': 'overlays/{environment}',
      });
      await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`);
      const mainBefore = bareGit('rev-parse', 'main').trim();
      const id = await approveAsAnotherOwner();

      const branch = 'gantry/production/checkout-1.4.2';
      expect(bareGit('rev-parse', 'main').trim()).toBe(mainBefore);
      expect(bareGit('rev-parse', `${branch}~1`).trim()).toBe(mainBefore);
      expect(diffLines(branch)).toEqual([
        '-    newTag: 1.0.0 # the release running in production',
        '+    newTag: 1.4.2 # the release running in production',
        `+    digest: ${DIGEST}`,
      ]);
      expect(calls.map(c => c.method)).toEqual(['GET', 'POST']);
      expect(new URL(calls[0].url).searchParams.toString()).toBe(
        `state=open&head=acme%3A${encodeURIComponent(branch)}&base=main`,
      );
      expect(calls[1].body).toEqual({
        title: 'Promote component:default/checkout 1.4.2 to production',
        head: branch,
        base: 'main',
        body: expect.stringContaining(`Image digest: ${DIGEST}`),
      });
      expect(calls[1].body.body).toContain(
        'requested by user:default/alice, approved by user:default/bob',
      );

      const [change] = await changes();
      expect(change).toMatchObject({
        requestId: id,
        mode: 'pull-request',
        status: 'proposed',
        branch,
        commitSha: bareGit('rev-parse', branch).trim(),
        url: pulls[0].html_url,
      });
      expect((await retry(id)).body.url).toBe(pulls[0].html_url);
      expect(calls).toHaveLength(2);
    });

    it('an unreachable repository: the approval stands, the change is recorded failed and a retry completes it', async () => {
      await start({
        'gantry.dev/gitops-repo': repoUrl,
        'gantry.dev/gitops-mode': 'commit',
      });
      await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`);
      const before = commitCount();
      git.down = true;
      let id: string;
      try {
        id = await approveAsAnotherOwner();
        const [failed] = await changes();
        expect(failed).toMatchObject({
          requestId: id,
          status: 'failed',
          attempts: 1,
        });
        expect(failed.error).toMatch(/503/);
        expect(failed.commitSha).toBeUndefined();
        expect(commitCount()).toBe(before);
        // another owner's retry while the host is still down fails again, recorded
        const stillDown = await retry(id, 'bob');
        expect(stillDown.status).toBe(200);
        expect(stillDown.body).toMatchObject({ status: 'failed', attempts: 2 });
      } finally {
        git.down = false;
      }
      const ok = await retry(id!);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        status: 'committed',
        attempts: 3,
        commitSha: bareGit('rev-parse', 'main').trim(),
      });
      expect(ok.body.error).toBeUndefined();
      expect(commitCount()).toBe(before + 1);
      const actions = (await knex('gantry_audit_log').select('record')).map(
        r => JSON.parse(r.record).action,
      );
      expect(actions.filter((a: string) => a.startsWith('gitops.'))).toEqual([
        'gitops.failed',
        'gitops.failed',
        'gitops.committed',
      ]);
    });

    it('a slow repository host does not hold the approval: the change is pending, then recorded', async () => {
      await start(
        {
          'gantry.dev/gitops-repo': repoUrl,
          'gantry.dev/gitops-mode': 'commit',
        },
        { approvalWaitSeconds: 0.2 },
      );
      await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`);
      git.delayMs = 300;
      try {
        const started = Date.now();
        await approveAsAnotherOwner();
        expect((await changes())[0].status).toBe('pending');
        let change: any;
        for (let i = 0; i < 100; i++) {
          [change] = await changes();
          if (change.status !== 'pending') break;
          await new Promise(r => setTimeout(r, 100));
        }
        expect(change).toMatchObject({ status: 'committed', attempts: 1 });
        expect(Date.now() - started).toBeGreaterThan(600);
      } finally {
        git.delayMs = 0;
      }
    });

    it('two retries at once (two replicas) make one commit', async () => {
      await start({
        'gantry.dev/gitops-repo': repoUrl,
        'gantry.dev/gitops-mode': 'commit',
      });
      await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`);
      const before = commitCount();
      git.down = true;
      let id: string;
      try {
        id = await approveAsAnotherOwner();
      } finally {
        git.down = false;
      }
      const both = await Promise.all([retry(id!, 'alice'), retry(id!, 'bob')]);
      expect(both.map(r => r.status)).toEqual([200, 200]);
      expect(both.map(r => r.body.id)).toEqual([
        both[0].body.id,
        both[0].body.id,
      ]);
      const [change] = await changes();
      expect(change).toMatchObject({ status: 'committed', attempts: 2 });
      expect(commitCount()).toBe(before + 1);
    });

    it('a release without an image digest: recorded failed, a retry is a 409 saying how to fix it, the repository untouched', async () => {
      await start({
        'gantry.dev/gitops-repo': repoUrl,
        'gantry.dev/gitops-mode': 'commit',
      });
      await upload('1.4.2', `commit=${COMMIT}`);
      const before = bareGit('rev-parse', 'main').trim();
      const id = await approveAsAnotherOwner();
      const [failed] = await changes();
      expect(failed.status).toBe('failed');
      expect(failed.digest).toBeUndefined();
      expect(failed.error).toContain('has no image digest');
      const res = await retry(id);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toBe(
        'Release 1.4.2 of component:default/checkout has no image digest, so Gantry cannot pin it in the overlay; upload its evidence with ?imageDigest=sha256:<digest> and retry.',
      );
      expect(bareGit('rev-parse', 'main').trim()).toBe(before);
    });

    it('refuses a retry of a request that is not approved (409) or belongs to another entity (404), and a caller without the permission', async () => {
      await start({
        'gantry.dev/gitops-repo': repoUrl,
        'gantry.dev/gitops-mode': 'commit',
      });
      await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`);
      const asked = await request(server)
        .post(`${base}/releases/1.4.2/promotions`)
        .set('Authorization', as('alice'))
        .send({ environment: 'production', reason: 'Ship the new checkout' });
      const pending = await retry(asked.body.id);
      expect(pending.status).toBe(409);
      expect(pending.body.error.message).toContain(
        'is pending; only an approved',
      );
      const other = await request(server)
        .post(
          `/api/gantry/entities/default/group/payments/promotions/${asked.body.id}/gitops`,
        )
        .set('Authorization', as('alice'));
      expect(other.status).toBe(404);
      const badId = await retry('not-an-id');
      expect(badId.status).toBe(400);
      expect(await changes()).toEqual([]);
      expect(commitCount()).toBe(1);
    });

    it('an entity without gantry.dev/gitops-repo: approvals work as before and no change is recorded', async () => {
      await start({});
      await upload('1.4.2', `commit=${COMMIT}&imageDigest=${DIGEST}`);
      const id = await approveAsAnotherOwner();
      expect(await changes()).toEqual([]);
      const res = await retry(id);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(
        'has no gantry.dev/gitops-repo annotation',
      );
    });
  },
);
