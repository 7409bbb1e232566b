#!/usr/bin/env node
// A small local server that answers like Argo CD's REST API and the Kubernetes API for
// Argo Rollouts, for the demo portal and its end-to-end tests only (no Argo CD or
// cluster runs here). Objects are shaped like the real APIs' responses; a status patch
// that clears a canary's pause moves it to its next pause, as the controller would.
// The portal marks everything from it as demo data (gantry.argocd.instances[].demo).
import http from 'node:http';

const port = Number(
  process.argv[2] ?? process.env.GANTRY_DEMO_ARGO_PORT ?? 7008,
);
const now = () => new Date().toISOString();

const steps = [5, 25, 50, 75]
  .flatMap(w => [
    { setWeight: w },
    { pause: { duration: '15m' } },
    { analysis: { templates: [{ templateName: 'checkout-canary-analysis' }] } },
  ])
  .concat([{ setWeight: 100 }]);

function rollout(env, ns, version, status) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'checkout',
      namespace: ns,
      uid: `rollout-uid-${env}`,
      generation: 4,
      labels: {
        'app.kubernetes.io/name': 'checkout',
        'backstage.io/kubernetes-id': 'checkout',
        'gantry.dev/environment': env,
      },
      creationTimestamp: '2026-11-01T00:00:00Z',
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } },
      strategy: {
        canary: {
          stableService: 'checkout-stable',
          canaryService: 'checkout-canary',
          // Weights are real traffic (NGINX canary ingress), as the generated overlays set it up.
          trafficRouting: { nginx: { stableIngress: 'checkout' } },
          maxUnavailable: 0,
          steps,
        },
      },
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': 'checkout',
            'backstage.io/kubernetes-id': 'checkout',
          },
        },
        spec: {
          containers: [
            { name: 'checkout', image: `ghcr.io/acme/checkout:${version}` },
          ],
        },
      },
    },
    status: { observedGeneration: '4', ...status },
  };
}

const REPLICAS = 3;

/**
 * What the controller reports beside the step: the router's weights and the replica
 * counts (the canary ReplicaSet scaled to its weight, the stable one kept whole while
 * traffic is routed), so the Delivery tab reads actual weights as on a cluster.
 */
function syncStatus(r) {
  const st = r.status;
  const done = (st.currentStepIndex ?? 0) >= steps.length;
  let weight = 0;
  if (!st.abort && !done)
    for (
      let i = Math.min(st.currentStepIndex ?? 0, steps.length - 1);
      i >= 0;
      i--
    )
      if (typeof steps[i].setWeight === 'number') {
        weight = steps[i].setWeight;
        break;
      }
  const canaryPods = done ? 0 : Math.ceil((REPLICAS * weight) / 100);
  Object.assign(st, {
    replicas: REPLICAS + canaryPods,
    updatedReplicas: done ? REPLICAS : canaryPods,
    readyReplicas: REPLICAS + canaryPods,
    availableReplicas: REPLICAS + canaryPods,
    canary: {
      weights: {
        canary: {
          weight,
          podTemplateHash: st.currentPodHash,
          serviceName: 'checkout-canary',
        },
        stable: {
          weight: 100 - weight,
          podTemplateHash: st.stableRS,
          serviceName: 'checkout-stable',
        },
      },
    },
  });
  return r;
}

const state = {
  rollouts: {
    'shop-staging': [
      syncStatus(
        rollout('staging', 'shop-staging', '1.5.0', {
          phase: 'Paused',
          message: 'CanaryPauseStep',
          currentPodHash: '6f9c7d8b5d',
          stableRS: '5b8d9c7f4c',
          currentStepIndex: 4,
          pauseConditions: [{ reason: 'CanaryPauseStep', startTime: now() }],
          controllerPause: true,
        }),
      ),
    ],
    'shop-production': [
      syncStatus(
        rollout('production', 'shop-production', '1.4.2', {
          phase: 'Healthy',
          currentPodHash: '5b8d9c7f4c',
          stableRS: '5b8d9c7f4c',
          currentStepIndex: steps.length,
        }),
      ),
    ],
  },
  analysisRuns: {
    'shop-staging': [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: {
          name: 'checkout-6f9c7d8b5d-4-2',
          namespace: 'shop-staging',
          creationTimestamp: now(),
          labels: { 'rollout-type': 'Step', 'step-index': '2' },
          ownerReferences: [
            { kind: 'Rollout', name: 'checkout', uid: 'rollout-uid-staging' },
          ],
        },
        spec: {
          metrics: [
            { name: 'error-rate', successCondition: 'result[0] < 0.01' },
            { name: 'latency-p99', successCondition: 'result[0] < 0.5' },
            {
              name: 'throughput-vs-stable',
              successCondition: 'result[0] >= 0.95',
            },
          ],
        },
        status: {
          phase: 'Successful',
          metricResults: [
            {
              name: 'error-rate',
              phase: 'Successful',
              count: 5,
              successful: 5,
              measurements: [
                '0.0021',
                '0.0018',
                '0.0030',
                '0.0024',
                '0.0019',
              ].map(v => ({ phase: 'Successful', value: `[${v}]` })),
            },
            {
              name: 'latency-p99',
              phase: 'Successful',
              count: 5,
              successful: 5,
              measurements: ['0.212', '0.230', '0.198', '0.244', '0.205'].map(
                v => ({ phase: 'Successful', value: `[${v}]` }),
              ),
            },
            {
              name: 'throughput-vs-stable',
              phase: 'Successful',
              count: 5,
              successful: 5,
              measurements: ['0.99', '1.01', '0.98', '1.00', '0.99'].map(v => ({
                phase: 'Successful',
                value: `[${v}]`,
              })),
            },
          ],
        },
      },
    ],
    'shop-production': [],
  },
};

function application(env, ns, revision, health, sync) {
  return {
    metadata: {
      name: `checkout-${env}`,
      namespace: 'argocd',
      labels: {
        'app.kubernetes.io/name': 'checkout',
        'gantry.dev/environment': env,
      },
    },
    spec: {
      project: 'checkout',
      source: {
        repoURL: 'https://github.com/acme/gitops',
        path: `services/checkout/overlays/${env}`,
        targetRevision: 'HEAD',
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: ns },
    },
    status: {
      sync: { status: sync, revision },
      health: { status: health },
      operationState: {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: '2026-11-26T09:58:00Z',
        finishedAt: '2026-11-26T09:58:20Z',
        operation: {
          initiatedBy:
            env === 'staging' ? { automated: true } : { username: 'alice' },
        },
      },
      history: [
        {
          id: 1,
          revision,
          deployedAt: '2026-11-26T09:58:20Z',
          initiatedBy: { automated: env === 'staging' },
        },
      ],
    },
  };
}
const applications = () => [
  application(
    'staging',
    'shop-staging',
    '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b',
    'Suspended',
    'Synced',
  ),
  application(
    'production',
    'shop-production',
    'ffee0011aabbccddeeff00112233445566778899',
    'Healthy',
    'Synced',
  ),
];
const commits = {
  '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b': {
    author: 'Alice Andersen <alice@example.com>',
    date: '2026-11-26T09:50:00Z',
    message: 'checkout: 1.5.0 adds Apple Pay',
  },
  ffee0011aabbccddeeff00112233445566778899: {
    author: 'Bob Brown <bob@example.com>',
    date: '2026-11-20T09:50:00Z',
    message: 'checkout: 1.4.2 fixes rounding',
  },
};

const matches = (labels, selector) =>
  !selector ||
  selector.split(',').every(p => {
    const [k, v] = p.split('=');
    return labels?.[k] === v;
  });

/** What the Rollouts controller does after a promote: walk to the next pause. */
function advance(r) {
  let i = r.status.currentStepIndex ?? 0;
  while (i < steps.length && !steps[i].pause) i += 1;
  r.status.currentStepIndex = i;
  if (i >= steps.length) {
    Object.assign(r.status, {
      phase: 'Healthy',
      stableRS: r.status.currentPodHash,
      pauseConditions: undefined,
      controllerPause: false,
      message: undefined,
    });
  } else {
    Object.assign(r.status, {
      phase: 'Paused',
      message: 'CanaryPauseStep',
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: now() }],
      controllerPause: true,
    });
  }
  syncStatus(r);
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  let m;
  if (req.method === 'GET' && p === '/api/v1/applications') {
    return send(res, 200, {
      items: applications().filter(a =>
        matches(a.metadata.labels, url.searchParams.get('selector')),
      ),
    });
  }
  if (
    req.method === 'GET' &&
    (m =
      /^\/api\/v1\/applications\/([^/]+)\/revisions\/([^/]+)\/metadata$/.exec(
        p,
      ))
  ) {
    return commits[m[2]]
      ? send(res, 200, commits[m[2]])
      : send(res, 404, { error: 'not found', code: 5 });
  }
  if (
    req.method === 'GET' &&
    (m = /^\/api\/v1\/applications\/([^/]+)$/.exec(p))
  ) {
    const app = applications().find(a => a.metadata.name === m[1]);
    return app
      ? send(res, 200, app)
      : send(res, 403, { error: 'permission denied', code: 7 });
  }
  if (
    (m =
      /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/(rollouts|analysisruns)(?:\/([^/]+))?(\/status)?$/.exec(
        p,
      ))
  ) {
    const [, ns, plural, name, status] = m;
    const items =
      (plural === 'rollouts' ? state.rollouts : state.analysisRuns)[ns] ?? [];
    if (req.method === 'GET' && !name) {
      return send(res, 200, {
        kind: 'List',
        items: items.filter(i =>
          matches(i.metadata.labels, url.searchParams.get('labelSelector')),
        ),
      });
    }
    const obj = items.find(i => i.metadata.name === name);
    if (!obj)
      return send(res, 404, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: `${plural} "${name}" not found`,
      });
    if (req.method === 'GET') return send(res, 200, obj);
    if (req.method === 'PATCH' && plural === 'rollouts') {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        const patch = JSON.parse(body || '{}');
        if (status && patch.status) {
          const s = patch.status;
          if (s.abort === true) {
            Object.assign(obj.status, {
              abort: true,
              phase: 'Degraded',
              message: 'RolloutAborted: Rollout aborted update to revision 4',
              pauseConditions: undefined,
              controllerPause: false,
            });
            syncStatus(obj);
          } else if (s.abort === false) {
            Object.assign(obj.status, {
              abort: false,
              currentStepIndex: 0,
              phase: 'Progressing',
              message: undefined,
            });
            syncStatus(obj);
          } else if (s.promoteFull) {
            obj.status.currentStepIndex = steps.length;
            advance(obj);
          } else if ('pauseConditions' in s) {
            obj.status.pauseConditions = undefined;
            obj.status.currentStepIndex =
              s.currentStepIndex ?? (obj.status.currentStepIndex ?? 0) + 1;
            advance(obj);
          }
        } else if (patch.spec) Object.assign(obj.spec, patch.spec);
        send(res, 200, obj);
      });
      return undefined;
    }
  }
  return send(res, 404, { message: `no fixture for ${req.method} ${p}` });
});

server.listen(port, '127.0.0.1', () =>
  console.log(
    `demo Argo CD / Kubernetes fixture server on http://127.0.0.1:${port}`,
  ),
);
