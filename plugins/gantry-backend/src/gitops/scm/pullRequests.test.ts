import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ScmApiError } from './PullRequestClient';
import { ScmClients } from './scmClients';

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

const scm = new ScmClients(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', token: 'ghp_x' }],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'glpat-x',
        },
      ],
    },
  }),
);
const pr = {
  branch: 'gantry/production/checkout-1.4.2',
  base: 'main',
  title: 'Promote component:default/checkout 1.4.2 to production',
  body: 'Image digest: sha256:…',
};

describe('GitLab merge requests', () => {
  const API =
    'https://gitlab.example.com/api/v4/projects/platform%2Fdeploy%2Fcheckout/merge_requests';

  it('opens a merge request with the GitLab v4 fields and pushes with oauth2:<token>', async () => {
    const posted: unknown[] = [];
    msw.use(
      http.get(API, ({ request }) => {
        expect(Object.fromEntries(new URL(request.url).searchParams)).toEqual({
          state: 'opened',
          source_branch: pr.branch,
          target_branch: 'main',
        });
        return HttpResponse.json([]);
      }),
      http.post(API, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe('Bearer glpat-x');
        posted.push(await request.json());
        return HttpResponse.json(
          {
            iid: 7,
            web_url:
              'https://gitlab.example.com/platform/deploy/checkout/-/merge_requests/7',
          },
          { status: 201 },
        );
      }),
    );
    const client = await scm.pullRequests(
      'https://gitlab.example.com/platform/deploy/checkout.git',
    );
    expect(client.gitAuth()).toEqual({
      username: 'oauth2',
      password: 'glpat-x',
    });
    expect(await client.ensurePullRequest(pr)).toEqual({
      url: 'https://gitlab.example.com/platform/deploy/checkout/-/merge_requests/7',
      created: true,
    });
    expect(posted).toEqual([
      {
        source_branch: pr.branch,
        target_branch: 'main',
        title: pr.title,
        description: pr.body,
        remove_source_branch: true,
      },
    ]);
  });

  it('reuses the open merge request of the branch instead of opening a second', async () => {
    msw.use(
      http.get(API, () =>
        HttpResponse.json([
          { iid: 7, web_url: 'https://gitlab.example.com/mr/7' },
        ]),
      ),
    );
    const client = await scm.pullRequests(
      'https://gitlab.example.com/platform/deploy/checkout',
    );
    expect(await client.ensurePullRequest(pr)).toEqual({
      url: 'https://gitlab.example.com/mr/7',
      created: false,
    });
  });
});

describe('GitHub pull requests', () => {
  const API = 'https://api.github.com/repos/acme/deploy/pulls';

  it('reuses the open pull request of the branch (a retry after the push) and pushes as x-access-token', async () => {
    msw.use(
      http.get(API, ({ request }) => {
        expect(new URL(request.url).searchParams.get('head')).toBe(
          `acme:${pr.branch}`,
        );
        return HttpResponse.json([
          { number: 3, html_url: 'https://github.com/acme/deploy/pull/3' },
        ]);
      }),
    );
    const client = await scm.pullRequests('https://github.com/acme/deploy.git');
    expect(client.gitAuth()).toEqual({
      username: 'x-access-token',
      password: 'ghp_x',
    });
    expect(await client.ensurePullRequest(pr)).toEqual({
      url: 'https://github.com/acme/deploy/pull/3',
      created: false,
    });
  });

  it('names the call and what GitHub answered when it refuses', async () => {
    msw.use(
      http.get(API, () => HttpResponse.json([])),
      http.post(API, () =>
        HttpResponse.json(
          {
            message: 'Validation Failed',
            errors: [
              {
                message:
                  'No commits between main and gantry/production/checkout-1.4.2',
              },
            ],
          },
          { status: 422, statusText: 'Unprocessable Entity' },
        ),
      ),
    );
    const client = await scm.pullRequests('https://github.com/acme/deploy');
    await expect(client.ensurePullRequest(pr)).rejects.toThrow(
      /^Opening the pull request failed: 422 Unprocessable Entity from https:\/\/api.github.com\/repos\/acme\/deploy\/pulls: .*No commits between/,
    );
  });

  it('refuses a host no integration covers, saying how to configure one or use commit mode', async () => {
    await expect(
      scm.pullRequests('https://bitbucket.example.com/acme/deploy'),
    ).rejects.toThrow(
      new ScmApiError(
        'No GitHub or GitLab integration covers bitbucket.example.com: add it under integrations.github or integrations.gitlab in app-config, or set gantry.dev/gitops-mode: commit to push directly.',
      ),
    );
  });
});
