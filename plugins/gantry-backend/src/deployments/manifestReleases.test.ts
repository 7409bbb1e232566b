import { manifestReleases } from './manifestReleases';

const json = (o: object) => JSON.stringify(o);
const workload = (
  kind: string,
  labels: Record<string, string>,
  image: string,
) => ({
  apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
  kind,
  metadata: { name: kind.toLowerCase(), labels },
  spec: {
    template: {
      metadata: { labels: {} },
      spec: { containers: [{ name: 'app', image }] },
    },
  },
});

describe('manifestReleases', () => {
  it('reads the release of every workload, by version label, else image tag, and skips what is not one', () => {
    expect(
      manifestReleases([
        json({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }),
        // Helm charts label the workload itself (app.kubernetes.io/version).
        json(
          workload(
            'Deployment',
            { 'app.kubernetes.io/version': '2.0.1' },
            'ghcr.io/acme/api:latest',
          ),
        ),
        // kustomize `images:` rewrites the tag (and digest) only.
        json(
          workload(
            'Rollout',
            {},
            `ghcr.io/acme/checkout:1.4.2@sha256:${'4f'.repeat(32)}`,
          ),
        ),
        json(workload('StatefulSet', {}, 'registry:5000/acme/queue:1.4.2')),
        json(workload('CronJob', {}, 'ghcr.io/acme/cleanup:9.9.9')),
        'not json',
      ]),
    ).toEqual(['1.4.2', '2.0.1']);
  });

  it('finds no release in an untagged image without a version label', () => {
    expect(
      manifestReleases([
        json(workload('Deployment', {}, 'ghcr.io/acme/checkout')),
        json(
          workload(
            'Deployment',
            {},
            `ghcr.io/acme/checkout@sha256:${'a'.repeat(64)}`,
          ),
        ),
      ]),
    ).toEqual([]);
  });
});
