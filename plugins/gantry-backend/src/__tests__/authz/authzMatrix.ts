/**
 * Who may call each mutating route of the Gantry backend. authzMatrix.test.ts reads the
 * route table from the running router and fails when a mutating route is missing here
 * (decide its row before merging) or a row names a route that no longer exists.
 *
 * Expected outcomes:
 * - 401 / 403: rejected by authentication / authorization;
 * - 'authorized': got past both (2xx, or a 4xx other than 401/403 from validation or
 *   domain state, e.g. 404 for an unknown id, 409 for a duplicate); never a 5xx;
 * - another number: exactly that status, for rows where a principal type is turned
 *   away by the route itself with something other than 401/403.
 */
export type Expected = 401 | 403 | 400 | 'authorized';

/** The callers every row is tried with; `flagClient` only where a row names it. */
export interface Callers<T> {
  /** No credentials (the mock auth's none token; a missing header is its default user). */
  anonymous: T;
  /** A signed-in user of another team (the policy denies them this entity). */
  otherTeam: T;
  /** A member of the entity's owning group. */
  owner: T;
  /** A Backstage service token (CI, Argo CD notifications, Alertmanager). */
  service: T;
  /** An application's flag client key (OFREP and flagd routes only). */
  flagClient?: T;
}

/** Ids the test creates before it walks the matrix. */
export interface MatrixFixture {
  promotionId: string;
  spareKeyId: string;
}

export interface MatrixRequest {
  path: string;
  body?: object;
  raw?: { contentType: string; bytes: Buffer };
}

export interface MatrixRow {
  /** A request that succeeds or fails validation only after the auth checks. */
  request: (f: MatrixFixture, files: { trivy: Buffer }) => MatrixRequest;
  expect: Callers<Expected>;
}

const ENTITY = '/entities/default/component/checkout';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const COMMIT = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const reason = 'authorization matrix';

/** Entity routes: the credentials barrier answers anonymous callers, the policy the rest. */
const ownerOnly: Callers<Expected> = {
  anonymous: 401,
  otherTeam: 403,
  owner: 'authorized',
  service: 'authorized',
};
/** Decisions by people only: services are refused by the route. */
const peopleOnly: Callers<Expected> = { ...ownerOnly, service: 403 };
/** Webhooks and callbacks that only services (static or JWKS tokens) may call. */
const servicesOnly: Callers<Expected> = {
  anonymous: 401,
  otherTeam: 403,
  owner: 403,
  service: 'authorized',
};
/** Authenticated by flag client keys, so every Backstage token is as good as none. */
const flagClientsOnly: Callers<Expected> = {
  anonymous: 401,
  otherTeam: 401,
  owner: 401,
  service: 401,
  flagClient: 'authorized',
};

export const authzMatrix: Record<string, MatrixRow> = {
  // Backstage's permission integration: the permission backend calls it with a service token.
  'POST /.well-known/backstage/permissions/apply-conditions': {
    request: () => ({
      path: '/.well-known/backstage/permissions/apply-conditions',
      body: { items: [] },
    }),
    expect: servicesOnly,
  },
  // Usage batches from standalone flag edges: only service principals named in
  // gantry.flags.edge.subjects (none of these callers; see flags/edge/edgeReplicas.test.ts).
  'POST /flags/edge/v1/usage': {
    request: () => ({
      path: '/flags/edge/v1/usage',
      body: { counts: [], keysUsed: [] },
    }),
    expect: { anonymous: 401, otherTeam: 403, owner: 403, service: 403 },
  },
  'POST /ofrep/v1/evaluate/flags/:key': {
    request: () => ({
      path: '/ofrep/v1/evaluate/flags/new-checkout',
      body: { context: { targetingKey: 'u-1' } },
    }),
    expect: flagClientsOnly,
  },
  'POST /ofrep/v1/evaluate/flags': {
    request: () => ({
      path: '/ofrep/v1/evaluate/flags',
      body: { context: { targetingKey: 'u-1' } },
    }),
    expect: flagClientsOnly,
  },
  // Exposure and conversion events from applications, with their flag client key.
  'POST /flags/events': {
    request: () => ({
      path: '/flags/events',
      body: {
        events: [
          {
            id: 'e-1',
            type: 'conversion',
            event: 'checkout-completed',
            targetingKey: 'u-1',
          },
        ],
      },
    }),
    expect: flagClientsOnly,
  },
  'PUT /entities/:namespace/:kind/:name/flags/:environment/:key/experiment': {
    request: () => ({
      path: `${ENTITY}/flags/staging/new-checkout/experiment`,
      body: {
        conversionEvent: 'checkout-completed',
        controlVariant: 'off',
        minimumDetectableEffect: 0.02,
      },
    }),
    expect: ownerOnly,
  },
  'POST /entities/:namespace/:kind/:name/flags/:environment/:key/experiment/rollout-winner':
    {
      request: () => ({
        path: `${ENTITY}/flags/staging/new-checkout/experiment/rollout-winner`,
        body: { reason },
      }),
      expect: ownerOnly,
    },
  'PUT /entities/:namespace/:kind/:name/flags/:environment/:key': {
    request: () => ({
      path: `${ENTITY}/flags/staging/new-checkout`,
      body: {
        flag: {
          type: 'release',
          definition: {
            state: 'ENABLED',
            variants: { on: true, off: false },
            defaultVariant: 'off',
          },
        },
        baseVersion: null,
        reason,
      },
    }),
    expect: ownerOnly,
  },
  'DELETE /entities/:namespace/:kind/:name/flags/:environment/:key': {
    request: () => ({
      path: `${ENTITY}/flags/staging/never-created`,
      body: { baseVersion: 1, reason },
    }),
    expect: ownerOnly,
  },
  'POST /entities/:namespace/:kind/:name/flags/:environment/:key/kill': {
    request: () => ({
      path: `${ENTITY}/flags/staging/new-checkout/kill`,
      body: { reason },
    }),
    expect: ownerOnly,
  },
  'POST /entities/:namespace/:kind/:name/flags/:environment/:key/restore': {
    request: () => ({
      path: `${ENTITY}/flags/staging/new-checkout/restore`,
      body: { baseVersion: 1, reason },
    }),
    expect: ownerOnly,
  },
  'PUT /entities/:namespace/:kind/:name/flag-segments/:environment/:segment': {
    request: () => ({
      path: `${ENTITY}/flag-segments/staging/beta`,
      body: {
        segment: { rule: { in: [{ var: 'tenant' }, ['acme']] } },
        baseVersion: null,
        reason,
      },
    }),
    expect: ownerOnly,
  },
  'DELETE /entities/:namespace/:kind/:name/flag-segments/:environment/:segment':
    {
      request: () => ({
        path: `${ENTITY}/flag-segments/staging/never-created`,
        body: { baseVersion: 1, reason },
      }),
      expect: ownerOnly,
    },
  // A service passes the policy, then is told to sign in as a person (400).
  'POST /entities/:namespace/:kind/:name/flag-changes/:id/decision': {
    request: () => ({
      path: `${ENTITY}/flag-changes/${UNKNOWN_ID}/decision`,
      body: { decision: 'approve' },
    }),
    expect: { ...ownerOnly, service: 403 },
  },
  'POST /entities/:namespace/:kind/:name/flag-changes/:id/review': {
    request: () => ({
      path: `${ENTITY}/flag-changes/${UNKNOWN_ID}/review`,
      body: { comment: 'reviewed' },
    }),
    expect: { ...ownerOnly, service: 403 },
  },
  'POST /entities/:namespace/:kind/:name/flag-keys': {
    request: () => ({
      path: `${ENTITY}/flag-keys`,
      body: { environment: 'staging', name: 'matrix-app' },
    }),
    expect: ownerOnly,
  },
  'POST /entities/:namespace/:kind/:name/flag-keys/:id/rotate': {
    request: f => ({ path: `${ENTITY}/flag-keys/${f.spareKeyId}/rotate` }),
    expect: ownerOnly,
  },
  'DELETE /entities/:namespace/:kind/:name/flag-keys/:id': {
    request: f => ({ path: `${ENTITY}/flag-keys/${f.spareKeyId}` }),
    expect: ownerOnly,
  },
  'POST /entities/:namespace/:kind/:name/releases/:version/evidence/:format': {
    request: (_f, files) => ({
      path: `${ENTITY}/releases/1.4.2/evidence/trivy?commit=${COMMIT}`,
      raw: { contentType: 'application/octet-stream', bytes: files.trivy },
    }),
    expect: ownerOnly,
  },
  'PUT /entities/:namespace/:kind/:name/vulnerability-allowlist/:vulnerabilityId':
    {
      request: () => ({
        path: `${ENTITY}/vulnerability-allowlist/CVE-2024-3094`,
        body: {
          justification: 'Not reachable from the checkout code path.',
          expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        },
      }),
      expect: ownerOnly,
    },
  // A person accepts a load-test regression; a service passes the policy, then is refused.
  'PUT /entities/:namespace/:kind/:name/releases/:version/gate-overrides/:environment/:rule':
    {
      request: () => ({
        path: `${ENTITY}/releases/1.4.2/gate-overrides/production/load-test`,
        body: { reason: 'p95 regression accepted for the sale weekend' },
      }),
      expect: peopleOnly,
    },
  'DELETE /entities/:namespace/:kind/:name/vulnerability-allowlist/:vulnerabilityId':
    {
      request: () => ({
        path: `${ENTITY}/vulnerability-allowlist/CVE-2024-3094`,
      }),
      expect: ownerOnly,
    },
  // A service without requestedBy is authorized and then asked to name the person (400).
  'POST /entities/:namespace/:kind/:name/releases/:version/promotions': {
    request: () => ({
      path: `${ENTITY}/releases/1.4.2/promotions`,
      body: { environment: 'production', reason },
    }),
    expect: ownerOnly,
  },
  'POST /promotions/:id/decision': {
    request: f => ({
      path: `/promotions/${f.promotionId}/decision`,
      body: { decision: 'reject', comment: reason },
    }),
    expect: peopleOnly,
  },
  // The fixture's request is pending, so an authorized caller gets 409 (only approved ones are written).
  'POST /entities/:namespace/:kind/:name/promotions/:id/gitops': {
    request: f => ({ path: `${ENTITY}/promotions/${f.promotionId}/gitops` }),
    expect: ownerOnly,
  },
  'POST /promotions/:id/review': {
    request: f => ({
      path: `/promotions/${f.promotionId}/review`,
      body: { comment: reason },
    }),
    expect: peopleOnly,
  },
  'POST /entities/:namespace/:kind/:name/rollouts/:cluster/:rolloutNamespace/:rollout/:action':
    {
      request: () => ({
        path: `${ENTITY}/rollouts/prod/shop-prod/checkout-worker/abort`,
      }),
      expect: ownerOnly,
    },
  'POST /entities/:namespace/:kind/:name/argocd/:instance/applications/:application/:action':
    {
      request: () => ({
        path: `${ENTITY}/argocd/main/applications/checkout-staging/refresh`,
        body: {},
      }),
      expect: ownerOnly,
    },
  // The Argo Rollouts web metric; even owners do not call it by hand.
  'POST /entities/:namespace/:kind/:name/canary/analyses': {
    request: () => ({
      path: `${ENTITY}/canary/analyses`,
      body: {
        rolloutNamespace: 'shop-prod',
        rollout: 'checkout',
        step: 1,
        canaryHash: 'abc123',
        baselineHash: 'def456',
      },
    }),
    expect: servicesOnly,
  },
  'POST /deployments/events': {
    request: () => ({
      path: '/deployments/events',
      body: {
        source: 'argocd',
        instance: 'main',
        application: 'checkout-production',
        labels: {
          'app.kubernetes.io/name': 'checkout',
          'gantry.dev/environment': 'production',
        },
        revision: COMMIT,
        phase: 'Succeeded',
        startedAt: '2026-11-26T09:30:00Z',
        finishedAt: '2026-11-26T09:31:00Z',
      },
    }),
    expect: servicesOnly,
  },
  'POST /alerts/alertmanager': {
    request: () => ({
      path: '/alerts/alertmanager',
      body: {
        receiver: 'gantry',
        status: 'firing',
        alerts: [],
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager:9093',
        version: '4',
        groupKey: '{}:{}',
        truncatedAlerts: 0,
      },
    }),
    expect: servicesOnly,
  },
  'POST /entities/:namespace/:kind/:name/incidents/:id/acknowledge': {
    request: () => ({
      path: `${ENTITY}/incidents/${UNKNOWN_ID}/acknowledge`,
      body: {},
    }),
    expect: ownerOnly,
  },
  'POST /entities/:namespace/:kind/:name/incidents/:id/remedies': {
    request: () => ({
      path: `${ENTITY}/incidents/${UNKNOWN_ID}/remedies`,
      body: { kind: 'flag-off', environment: 'staging', key: 'new-checkout' },
    }),
    expect: ownerOnly,
  },
};

/**
 * Read routes anonymous callers may reach. Every other GET must answer anonymous
 * callers with 401; the test checks that too.
 */
export const publicReads = new Set([
  'GET /health',
  'GET /ofrep/v1/events/:token',
  'GET /flagd/v1/entities/:namespace/:kind/:name/:environment/flags.json',
]);
