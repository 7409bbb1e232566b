// The demo's pods: what the synthetic-traffic exporter serves and what the demo
// Prometheus scrapes. Hashes and namespaces match the Rollouts the Argo fixture server
// reports, so a canary analysis asked with the fixture's hashes finds these series.
//
// checkout (shop-staging): the 1.5.0 canary (6f9c7d8b5d) beside stable 1.4.2
//   (5b8d9c7f4c); it answers a little faster and with fewer errors than stable, so the
//   judge passes it whatever the noise.
// payment-gateway (shop-production): its canary (7c9d8e6f5a) fails 4 % of requests and
//   is slower, so the judge fails it.
// checkout keeps its SLO's steady 0.05 % error rate (budget 0.1 %). search has the same
// steady rate until a burn raises it to 6 % for a few minutes (60 x its budget: the page
// alert fires within a minute or two).
// recommendations: stable 3.0.0 (9e8d7c6b5a) and the pod the next release's canary
// (c4b3a2f1e0) runs once the demo Argo CD syncs it; the canary answers a little better.

/** Latency histogram buckets (seconds), as a typical HTTP middleware exports them. */
export const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Share of requests at or below each bucket: a fast and a slower latency profile. */
const FAST = [0.62, 0.88, 0.985, 0.997, 0.9995, 1];
const NORMAL = [0.58, 0.85, 0.975, 0.994, 0.999, 1];
const SLOW = [0.2, 0.45, 0.75, 0.93, 0.985, 1];

const pods = (service, namespace, hash, role, count, traffic) =>
  Array.from({ length: count }, (_, i) => ({
    service,
    namespace,
    hash,
    role,
    pod: `${service}-${hash}-${['x7k2p', 'q9m4t', 'h3v8n', 'c5r1w'][i]}`,
    ...traffic,
  }));

export const PODS = [
  ...pods('checkout', 'shop-production', '5b8d9c7f4c', 'stable', 3, {
    rps: 20,
    errorRatio: 0.0005,
    latency: NORMAL,
  }),
  ...pods('checkout', 'shop-staging', '5b8d9c7f4c', 'stable', 3, {
    rps: 6,
    errorRatio: 0.0005,
    latency: NORMAL,
  }),
  ...pods('checkout', 'shop-staging', '6f9c7d8b5d', 'canary', 1, {
    rps: 6.6,
    errorRatio: 0.0003,
    latency: FAST,
  }),
  ...pods('search', 'shop-production', '3c2b1a0f9e', 'stable', 2, {
    rps: 15,
    errorRatio: 0.0005,
    latency: NORMAL,
    burns: true,
  }),
  ...pods('recommendations', 'shop-production', '9e8d7c6b5a', 'stable', 3, {
    rps: 8,
    errorRatio: 0.0008,
    latency: NORMAL,
  }),
  ...pods('recommendations', 'shop-production', 'c4b3a2f1e0', 'canary', 1, {
    rps: 8.8,
    errorRatio: 0.0005,
    latency: FAST,
  }),
  ...pods('payment-gateway', 'shop-production', '4b6a5c8d9e', 'stable', 3, {
    rps: 12,
    errorRatio: 0.001,
    latency: NORMAL,
  }),
  ...pods('payment-gateway', 'shop-production', '7c9d8e6f5a', 'canary', 1, {
    rps: 11,
    errorRatio: 0.04,
    latency: SLOW,
  }),
];

/** The canary analyses the seed asks for: one that passes, one that fails. */
export const CANARIES = [
  {
    entity: 'checkout',
    namespace: 'shop-staging',
    rollout: 'checkout',
    step: 2,
    canaryHash: '6f9c7d8b5d',
    baselineHash: '5b8d9c7f4c',
  },
  {
    entity: 'payment-gateway',
    namespace: 'shop-production',
    rollout: 'payment-gateway',
    step: 2,
    canaryHash: '7c9d8e6f5a',
    baselineHash: '4b6a5c8d9e',
  },
];

/** recommendations' Rollout: the stable hash, and the canary hash a sync starts. */
export const RECOMMENDATIONS = {
  namespace: 'shop-production',
  stableHash: '9e8d7c6b5a',
  canaryHash: 'c4b3a2f1e0',
};

/** Error ratio while a burn runs. */
export const BURN_ERROR_RATIO = 0.06;
