import type { Entity } from '@backstage/catalog-model';
import type { DeploymentsView } from '@gantry/plugin-gantry-common';
import { cachedPipeline } from './pipelineCache';

const entity = { metadata: { name: 'checkout' } } as Entity;
const view = (errors: DeploymentsView['errors'] = []) =>
  ({
    entityRef: 'component:default/checkout',
    applications: [],
    errors,
  } as unknown as DeploymentsView);

describe('the canary rule pipeline cache', () => {
  it('reads each entity live once per ttl, sharing the read between concurrent evaluations', async () => {
    let reads = 0;
    let t = 0;
    const pipeline = cachedPipeline(
      {
        forEntity: async () => {
          reads++;
          return view();
        },
      },
      10_000,
      () => t,
    );
    await Promise.all([
      pipeline.forEntity(entity, 'component:default/checkout'),
      pipeline.forEntity(entity, 'component:default/checkout'),
    ]);
    t = 9_999;
    await pipeline.forEntity(entity, 'component:default/checkout');
    expect(reads).toBe(1);
    await pipeline.forEntity(entity, 'component:default/storefront');
    expect(reads).toBe(2);
    t = 10_000;
    await pipeline.forEntity(entity, 'component:default/checkout');
    expect(reads).toBe(3);
  });

  it('asks again after an incomplete view or a failed read', async () => {
    const answers: Array<() => Promise<DeploymentsView>> = [
      async () => view([{ source: 'argocd:main', message: 'timeout' }] as any),
      async () => {
        throw new Error('catalog down');
      },
      async () => view(),
    ];
    let reads = 0;
    const pipeline = cachedPipeline(
      { forEntity: () => answers[reads++]() },
      10_000,
      () => 0,
    );
    const read = () => pipeline.forEntity(entity, 'component:default/checkout');
    expect((await read()).errors).toHaveLength(1);
    await expect(read()).rejects.toThrow('catalog down');
    expect((await read()).errors).toEqual([]);
    expect((await read()).errors).toEqual([]);
    expect(reads).toBe(3);
  });
});
