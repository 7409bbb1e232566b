import type { Entity } from '@backstage/catalog-model';
import { annotationStatus, isGantryEntity } from './capabilities';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('capabilities', () => {
  it('treats an entity with any Gantry-read annotation as a Gantry entity', () => {
    expect(isGantryEntity(entity({}))).toBe(false);
    expect(
      isGantryEntity(entity({ 'backstage.io/techdocs-ref': 'dir:.' })),
    ).toBe(false);
    expect(isGantryEntity(entity({ 'argocd/app-name': 'x' }))).toBe(true);
    // an optional annotation alone still marks intent
    expect(
      isGantryEntity(entity({ 'backstage.io/kubernetes-namespace': 'x' })),
    ).toBe(true);
  });

  it('accepts either alternative and names both when neither is there', () => {
    const withSelector = annotationStatus(
      entity({ 'argocd/app-selector': 'a=b' }),
    );
    expect(withSelector.find(c => c.id === 'deployments')?.configured).toBe(
      true,
    );
    const none = annotationStatus(entity({}));
    const deployments = none.find(c => c.id === 'deployments')!;
    expect(deployments.configured).toBe(false);
    expect(deployments.missing[0].keys).toEqual([
      'argocd/app-name',
      'argocd/app-selector',
    ]);
    expect(deployments.missing[0].example).toEqual({
      'argocd/app-selector': 'app.kubernetes.io/name=<service>',
    });
  });

  it('ignores empty annotation values', () => {
    const s = annotationStatus(entity({ 'gantry.dev/feature-flags': '' }));
    expect(s.find(c => c.id === 'flags')?.configured).toBe(false);
  });
});
