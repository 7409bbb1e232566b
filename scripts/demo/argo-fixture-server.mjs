#!/usr/bin/env node
// A small local server that answers like Argo CD's REST API and the Kubernetes API for
// Argo Rollouts, for the demo portal and its end-to-end tests only (no Argo CD or
// cluster runs here). Objects are shaped like the real APIs' responses; a status patch
// that clears a canary's pause moves it to its next pause, as the controller would.
// The portal marks everything from it as demo data (gantry.argocd.instances[].demo).
//
// Sync, rollback, automation patches and rendered manifests change and read its state as
// Argo CD would. recommendations is deployed from the demo GitOps repository
// (scripts/demo/git-server.mjs, GANTRY_DEMO_GIT_ROOT): its apps are OutOfSync while Git's
// main is ahead, a sync deploys what the overlay's images: entry says, and the Rollout
// then runs its analysis step the way the scaffolded AnalysisTemplate does, by asking
// Gantry's canary judge (GANTRY_BACKEND_URL, GANTRY_TOKEN), then goes to 100 % on Pass
// or aborts on Fail. A finished sync is reported to Gantry as Argo CD notifications
// would report it.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { RECOMMENDATIONS } from './demo-services.mjs';

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
          sync: { revision },
          initiatedBy:
            env === 'staging' ? { automated: true } : { username: 'alice' },
        },
        // The generated overlays' PreSync migration Job ran before the Rollout.
        syncResult: {
          revision,
          resources: [
            {
              group: 'batch',
              version: 'v1',
              kind: 'Job',
              namespace: ns,
              name: 'checkout-migrate',
              status: 'Synced',
              message: 'Reached expected number of succeeded pods',
              hookType: 'PreSync',
              hookPhase: 'Succeeded',
              syncPhase: 'PreSync',
            },
            {
              group: 'argoproj.io',
              version: 'v1alpha1',
              kind: 'Rollout',
              namespace: ns,
              name: 'checkout',
              status: 'Synced',
              message: 'rollout.argoproj.io/checkout configured',
              syncPhase: 'Sync',
            },
          ],
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
const apps = [
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
const CHECKOUT_RELEASES = {
  '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b': '1.5.0',
  ffee0011aabbccddeeff00112233445566778899: '1.4.2',
};
const applications = () => {
  refreshFromGit();
  return apps;
};
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

// ---- recommendations: deployed from the demo GitOps repository ----------------------
const GIT_DIR = path.join(
  process.env.GANTRY_DEMO_GIT_ROOT ?? '.gantry/git',
  'shop-deploy.git',
);
const REPO_URL =
  process.env.GANTRY_DEMO_GIT_URL ?? 'http://127.0.0.1:7094/shop-deploy.git';
const GANTRY = process.env.GANTRY_BACKEND_URL ?? 'http://127.0.0.1:7007';
const TOKEN = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const IMAGE = 'ghcr.io/acme/recommendations';

const git = (...args) => {
  try {
    return execFileSync('git', ['--git-dir', GIT_DIR, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
};
const overlayPath = env => `recommendations/overlays/${env}/kustomization.yaml`;
/** The overlay's images: entry at a revision (tag and digest), read without a YAML library. */
function imageAt(revision, env) {
  const text = git('show', `${revision}:${overlayPath(env)}`);
  if (!text) return undefined;
  const tag = /^\s+newTag:\s*["']?([^"'\s]+)/m.exec(text)?.[1];
  const digest = /^\s+digest:\s*["']?([^"'\s]+)/m.exec(text)?.[1];
  return tag ? { tag, digest } : undefined;
}
const recSteps = [
  { setWeight: 20 },
  {
    analysis: {
      templates: [{ templateName: 'recommendations-canary-analysis' }],
    },
  },
  { setWeight: 100 },
];

function recRollout(env, image) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'recommendations',
      namespace: RECOMMENDATIONS.namespace,
      uid: `rollout-uid-recommendations-${env}`,
      generation: 1,
      labels: {
        'app.kubernetes.io/name': 'recommendations',
        'backstage.io/kubernetes-id': 'recommendations',
        'gantry.dev/environment': env,
      },
      creationTimestamp: '2026-11-01T00:00:00Z',
    },
    spec: {
      replicas: 3,
      selector: {
        matchLabels: { 'app.kubernetes.io/name': 'recommendations' },
      },
      strategy: {
        canary: {
          stableService: 'recommendations-stable',
          canaryService: 'recommendations-canary',
          trafficRouting: { nginx: { stableIngress: 'recommendations' } },
          steps: recSteps,
        },
      },
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': 'recommendations',
            'backstage.io/kubernetes-id': 'recommendations',
            'app.kubernetes.io/version': image.tag,
          },
        },
        spec: {
          containers: [
            {
              name: 'recommendations',
              image: `${IMAGE}:${image.tag}${
                image.digest ? `@${image.digest}` : ''
              }`,
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: '1',
      phase: 'Healthy',
      currentPodHash: RECOMMENDATIONS.stableHash,
      stableRS: RECOMMENDATIONS.stableHash,
      currentStepIndex: recSteps.length,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    },
  };
}

function recApplication(env, revision) {
  return {
    metadata: {
      name: `recommendations-${env}`,
      namespace: 'argocd',
      labels: {
        'app.kubernetes.io/name': 'recommendations',
        'gantry.dev/environment': env,
      },
    },
    spec: {
      project: 'recommendations',
      source: {
        repoURL: REPO_URL,
        path: `recommendations/overlays/${env}`,
        targetRevision: 'main',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: RECOMMENDATIONS.namespace,
      },
      // Production syncs by hand (through Gantry's gate); staging follows Git.
      syncPolicy: env === 'production' ? {} : { automated: { prune: true } },
    },
    status: {
      sync: { status: 'Synced', revision },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: now(),
        finishedAt: now(),
        operation: { sync: { revision }, initiatedBy: { automated: true } },
        syncResult: { revision, resources: [] },
      },
      history: [
        {
          id: 1,
          revision,
          deployedAt: now(),
          deployStartedAt: now(),
          source: {
            repoURL: REPO_URL,
            path: `recommendations/overlays/${env}`,
            targetRevision: 'main',
          },
          initiatedBy: { automated: true },
        },
      ],
    },
  };
}

let recInitialised = false;
/** Argo CD compares Git's main with what it synced: OutOfSync while main is ahead. */
function refreshFromGit() {
  const head = git('rev-parse', 'main');
  if (!head) return;
  if (!recInitialised) {
    recInitialised = true;
    apps.push(recApplication('production', head));
    const image = imageAt(head, 'production');
    if (image)
      state.rollouts['shop-production'].push(recRollout('production', image));
  }
  for (const app of apps.filter(a => a.spec.source.repoURL === REPO_URL)) {
    const env = app.metadata.labels['gantry.dev/environment'];
    const synced = app.status.sync.revision;
    const same =
      synced === head ||
      git('diff', '--quiet', synced, head, '--', overlayPath(env)) !==
        undefined;
    app.status.sync.status = same ? 'Synced' : 'OutOfSync';
  }
}

const recRolloutOf = () =>
  state.rollouts['shop-production'].find(
    r => r.metadata.name === 'recommendations',
  );

/** Argo CD notifications' on-sync-succeeded webhook to Gantry. */
async function notifyGantry(app, startedAt) {
  try {
    await fetch(`${GANTRY}/api/gantry/deployments/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        source: 'argocd',
        instance: 'demo',
        application: app.metadata.name,
        labels: app.metadata.labels,
        revision: app.status.sync.revision,
        phase: 'Succeeded',
        startedAt,
        finishedAt: now(),
        commitTime: git('show', '-s', '--format=%cI', app.status.sync.revision),
        initiatedBy: { username: 'gantry', automated: false },
      }),
    });
  } catch (e) {
    console.error(`could not notify Gantry of the sync: ${e.message}`);
  }
}

/**
 * The Rollouts controller for a new recommendations template: scale the canary to 20 %,
 * run the analysis step (the AnalysisTemplate's web metric asks Gantry's judge), then
 * promote to 100 % on Pass or abort on Fail.
 */
async function runCanary(r, image) {
  const { canaryHash, stableHash, namespace } = RECOMMENDATIONS;
  r.spec.template.metadata.labels['app.kubernetes.io/version'] = image.tag;
  r.spec.template.spec.containers[0].image = `${IMAGE}:${image.tag}${
    image.digest ? `@${image.digest}` : ''
  }`;
  r.metadata.generation += 1;
  Object.assign(r.status, {
    observedGeneration: String(r.metadata.generation),
    phase: 'Progressing',
    message: 'running analysis',
    abort: undefined,
    currentPodHash: canaryHash,
    stableRS: stableHash,
    currentStepIndex: 1,
    replicas: 4,
    updatedReplicas: 1,
    canary: {
      weights: {
        canary: {
          weight: 20,
          podTemplateHash: canaryHash,
          serviceName: 'recommendations-canary',
        },
        stable: {
          weight: 80,
          podTemplateHash: stableHash,
          serviceName: 'recommendations-stable',
        },
      },
    },
  });
  const run = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: `recommendations-${canaryHash}-${r.metadata.generation}-1`,
      namespace,
      creationTimestamp: now(),
      labels: { 'rollout-type': 'Step', 'step-index': '1' },
      ownerReferences: [
        { kind: 'Rollout', name: 'recommendations', uid: r.metadata.uid },
      ],
    },
    spec: {
      metrics: [
        {
          name: 'gantry-canary-judge',
          successCondition: 'result.verdict == "Pass"',
        },
      ],
    },
    status: { phase: 'Running', metricResults: [] },
  };
  (state.analysisRuns[namespace] ??= []).unshift(run);
  let verdict = 'Error';
  let value = '';
  try {
    const res = await fetch(
      `${GANTRY}/api/gantry/entities/default/component/recommendations/canary/analyses`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          rolloutNamespace: namespace,
          rollout: 'recommendations',
          service: 'recommendations',
          step: 1,
          canaryHash,
          baselineHash: stableHash,
          windowSeconds: 120,
          stepSeconds: 10,
        }),
      },
    );
    value = await res.text();
    if (res.ok) verdict = JSON.parse(value).verdict;
  } catch (e) {
    value = e.message;
  }
  const phase =
    { Pass: 'Successful', Marginal: 'Inconclusive', Fail: 'Failed' }[verdict] ??
    'Error';
  run.status = {
    phase,
    metricResults: [
      {
        name: 'gantry-canary-judge',
        phase,
        count: 1,
        measurements: [{ phase, value }],
      },
    ],
  };
  if (verdict === 'Pass') {
    Object.assign(r.status, {
      phase: 'Healthy',
      message: undefined,
      currentStepIndex: recSteps.length,
      stableRS: canaryHash,
      replicas: 3,
      updatedReplicas: 3,
      canary: {
        weights: {
          canary: {
            weight: 0,
            podTemplateHash: canaryHash,
            serviceName: 'recommendations-canary',
          },
          stable: {
            weight: 100,
            podTemplateHash: canaryHash,
            serviceName: 'recommendations-stable',
          },
        },
      },
    });
  } else {
    Object.assign(r.status, {
      abort: true,
      phase: 'Degraded',
      message: `RolloutAborted: metric "gantry-canary-judge" assessed ${phase}`,
    });
  }
}

/** POST /applications/{name}/sync: deploy Git's target revision. */
function syncApp(app) {
  const startedAt = now();
  const isRec = app.spec.source.repoURL === REPO_URL;
  const revision = isRec ? git('rev-parse', 'main') : app.status.sync.revision;
  const env = app.metadata.labels['gantry.dev/environment'];
  const changed = revision !== app.status.sync.revision;
  app.status.sync = { status: 'Synced', revision };
  app.status.operationState = {
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    startedAt,
    finishedAt: now(),
    operation: { sync: { revision }, initiatedBy: { username: 'gantry' } },
    syncResult: {
      revision,
      resources: [
        {
          group: 'argoproj.io',
          kind: 'Rollout',
          name: app.metadata.labels['app.kubernetes.io/name'],
          namespace: app.spec.destination.namespace,
          status: 'Synced',
          syncPhase: 'Sync',
          message: changed
            ? 'rollout.argoproj.io/recommendations configured'
            : 'unchanged',
        },
      ],
    },
  };
  const history = app.status.history;
  history.push({
    id: history[history.length - 1].id + 1,
    revision,
    deployStartedAt: startedAt,
    deployedAt: now(),
    source: app.spec.source,
    initiatedBy: { username: 'gantry' },
  });
  if (isRec && changed) {
    const image = imageAt(revision, env);
    const r = recRolloutOf();
    if (image && r) {
      app.status.health = { status: 'Progressing' };
      runCanary(r, image).then(() => {
        app.status.health = {
          status: r.status.phase === 'Healthy' ? 'Healthy' : 'Degraded',
        };
      });
    }
    notifyGantry(app, startedAt);
  }
  return app;
}

/** The rendered manifests of an app at a revision (its target revision by default). */
function manifestsOf(app, revision) {
  const env = app.metadata.labels['gantry.dev/environment'];
  if (app.spec.source.repoURL === REPO_URL) {
    const image = imageAt(revision ?? git('rev-parse', 'main'), env);
    return image ? [JSON.stringify(recRollout(env, image))] : [];
  }
  const version = CHECKOUT_RELEASES[revision ?? app.status.sync.revision];
  if (!version) return [];
  const r = rollout(env, app.spec.destination.namespace, version, {});
  delete r.status;
  return [JSON.stringify(r)];
}

function readBody(req) {
  return new Promise(resolve => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(body || '{}'));
      } catch {
        resolve(undefined);
      }
    });
  });
}

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
    if (commits[m[2]]) return send(res, 200, commits[m[2]]);
    const meta = git('show', '-s', '--format=%an <%ae>%n%cI%n%s', m[2]);
    if (meta) {
      const [author, date, message] = meta.split('\n');
      return send(res, 200, { author, date, message, tags: [] });
    }
    return send(res, 404, { error: 'not found', code: 5 });
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
  const appNamed = name => applications().find(a => a.metadata.name === name);
  const noApp = name =>
    send(res, 404, {
      error: `applications.argoproj.io "${name}" not found`,
      code: 5,
      message: `applications.argoproj.io "${name}" not found`,
    });
  if (
    req.method === 'GET' &&
    (m = /^\/api\/v1\/applications\/([^/]+)\/manifests$/.exec(p))
  ) {
    const app = appNamed(m[1]);
    if (!app) return noApp(m[1]);
    return send(res, 200, {
      manifests: manifestsOf(
        app,
        url.searchParams.get('revision') ?? undefined,
      ),
      namespace: app.spec.destination.namespace,
      server: app.spec.destination.server,
      revision: url.searchParams.get('revision') ?? app.status.sync.revision,
      sourceType: 'Kustomize',
    });
  }
  if (
    req.method === 'POST' &&
    (m = /^\/api\/v1\/applications\/([^/]+)\/(sync|rollback)$/.exec(p))
  ) {
    const [, name, op] = m;
    readBody(req).then(body => {
      const app = appNamed(name);
      if (!app) return noApp(name);
      if (body === undefined)
        return send(res, 400, {
          error: 'invalid JSON body',
          code: 3,
          message: 'invalid JSON body',
        });
      if (op === 'sync') return send(res, 200, syncApp(app));
      if (app.spec.syncPolicy?.automated) {
        const message =
          'rollback cannot be initiated when auto-sync is enabled';
        return send(res, 400, { error: message, code: 9, message });
      }
      const entry = app.status.history.find(h => h.id === Number(body.id));
      if (!entry) {
        const message = `application ${name} does not have deployment with id ${body.id}`;
        return send(res, 404, { error: message, code: 5, message });
      }
      const startedAt = now();
      app.status.sync = { status: 'OutOfSync', revision: entry.revision };
      app.status.operationState = {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt,
        finishedAt: now(),
        operation: {
          sync: { revision: entry.revision },
          initiatedBy: { username: 'gantry' },
        },
        syncResult: { revision: entry.revision, resources: [] },
      };
      app.status.history.push({
        ...entry,
        id: app.status.history[app.status.history.length - 1].id + 1,
        deployStartedAt: startedAt,
        deployedAt: now(),
        initiatedBy: { username: 'gantry' },
      });
      return send(res, 200, app);
    });
    return undefined;
  }
  if (
    req.method === 'PATCH' &&
    (m = /^\/api\/v1\/applications\/([^/]+)$/.exec(p))
  ) {
    readBody(req).then(body => {
      const app = appNamed(m[1]);
      if (!app) return noApp(m[1]);
      let patch;
      try {
        patch = JSON.parse(body?.patch ?? 'null');
      } catch {
        patch = null;
      }
      if (!patch || body.patchType !== 'merge') {
        const message =
          'expected {patch: "<JSON merge patch>", patchType: "merge"}';
        return send(res, 400, { error: message, code: 3, message });
      }
      const merge = (target, src) => {
        for (const [k, v] of Object.entries(src)) {
          if (v === null) delete target[k];
          else if (typeof v === 'object' && !Array.isArray(v))
            merge((target[k] ??= {}), v);
          else target[k] = v;
        }
      };
      merge(app, patch);
      return send(res, 200, app);
    });
    return undefined;
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
