import type { OverlayOptions } from './options';

/** Argo CD applies resources wave by wave: secrets and policies first, workload, then scaling. */
export const WAVE = {
  secrets: '-2',
  identity: '-1',
  workload: '0',
  scaling: '1',
} as const;

export const wave = (w: string) => ({ 'argocd.argoproj.io/sync-wave': w });

export const selectorLabels = (o: OverlayOptions) => ({
  'app.kubernetes.io/name': o.name,
});

export const serviceNames = (o: OverlayOptions) =>
  o.strategy === 'canary'
    ? { primary: `${o.name}-stable`, secondary: `${o.name}-canary` }
    : { primary: `${o.name}-active`, secondary: `${o.name}-preview` };
