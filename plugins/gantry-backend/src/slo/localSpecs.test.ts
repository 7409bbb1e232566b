import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { SloSpecLoader } from './SloSpecLoader';

const SPEC = `version: prometheus/v1
service: checkout
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: CheckoutAvailability
`;

describe('SLO specs next to a local catalog file', () => {
  let root: string;
  let outside: string;
  const loader = new SloSpecLoader({ reader: {} as UrlReaderService });
  const entity = (spec: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      annotations: {
        'backstage.io/managed-by-location': `file:${root}/catalog/catalog-info.yaml`,
        'gantry.dev/slo-spec': spec,
      },
    },
    spec: { owner: 'payments' },
  });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gantry-slo-'));
    await mkdir(join(root, 'catalog', 'slos'), { recursive: true });
    await writeFile(join(root, 'catalog', 'catalog-info.yaml'), '');
    await writeFile(join(root, 'catalog', 'slos', 'checkout.yaml'), SPEC);
    outside = join(root, 'secret.txt');
    await writeFile(outside, 'root:x:0:0:do-not-show-me\n');
    await symlink(outside, join(root, 'catalog', 'passwd.yaml'));
    await symlink(
      join(root, 'catalog', 'slos', 'checkout.yaml'),
      join(root, 'catalog', 'linked.yaml'),
    );
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('names the spec relative to the catalog file, never by the server path', async () => {
    const loaded = await loader.load(entity('./slos/checkout.yaml'));
    expect(loaded?.source).toBe('./slos/checkout.yaml');
    expect(loaded?.slos.map(s => s.id)).toEqual([
      'checkout-requests-availability',
    ]);
  });

  it('follows a link that stays next to the catalog file', async () => {
    const loaded = await loader.load(entity('./linked.yaml'));
    expect(loaded?.slos).toHaveLength(1);
  });

  it('refuses a link out of the catalog directory without showing what it points at', async () => {
    const failure = loader.load(entity('./passwd.yaml'));
    await expect(failure).rejects.toThrow(
      "The SLO spec ./passwd.yaml (gantry.dev/slo-spec) is a link to a file outside the catalog file's directory; Gantry reads local specs only next to or below catalog-info.yaml. Copy the spec there.",
    );
    const message = await failure.catch((e: Error) => e.message);
    expect(message).not.toContain('do-not-show-me');
    expect(message).not.toContain(root);
  });

  it('says a missing file is missing, naming it relative to the catalog file', async () => {
    await expect(loader.load(entity('./nope.yaml'))).rejects.toThrow(
      'Could not read the SLO spec ./nope.yaml (gantry.dev/slo-spec): no such file next to the catalog file.',
    );
  });
});
