import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentRecord,
  DeploymentsView,
  Incident,
  IncidentRemedy,
} from '@gantry/plugin-gantry-common';

/*
 * Remedies an incident offers, registered rather than imported: each domain that can
 * undo a suspect change (rollouts abort, deployments roll back, flags turn off) provides
 * one RemedyProvider; plugin.ts hands them to incidents, which offers them in the order
 * given and applies the one picked through the provider that offered it.
 */

/** The kinds of remedy there are; one provider per kind. */
type RemedyKind = IncidentRemedy['kind'];

type RemedyByKind = { [R in IncidentRemedy as R['kind']]: R };

/** The remedy of one kind, as offered (with its label). */
type RemedyOf<K extends RemedyKind> = RemedyByKind[K];

/** What a provider reads to work out its remedies for an unresolved incident with a suspect release. */
interface RemedyOfferContext {
  entity: Entity;
  entityRef: string;
  incident: Incident;
  /** The release that started shortly before the incident did. */
  suspect: DeploymentRecord;
  /** The correlation window: from `correlationWindow` before the incident started to its start. */
  window: { from: string; to: string };
  /**
   * The entity's live pipeline (Argo CD applications with their Rollouts), read at most
   * once per request however many providers ask; the incident reports its read errors.
   */
  pipeline(): Promise<DeploymentsView>;
}

interface RemedyOffer<K extends RemedyKind = RemedyKind> {
  remedies: RemedyOf<K>[];
  /** Sources that could not be read; shown with the incident. */
  errors: string[];
}

/** Who applies a remedy to which incident. */
interface RemedyApplyContext {
  entity: Entity;
  entityRef: string;
  incident: Incident;
  actor: string;
}

/** Offers and applies the remedies of one kind. */
export interface RemedyProvider<K extends RemedyKind = RemedyKind> {
  readonly kind: K;
  offer(ctx: RemedyOfferContext): Promise<RemedyOffer<K>>;
  /** Applies a remedy this provider offered; resolves to what the action returned. */
  apply(remedy: RemedyOf<K>, ctx: RemedyApplyContext): Promise<unknown>;
}
