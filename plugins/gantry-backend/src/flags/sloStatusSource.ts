import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { SloReader } from './sloReader';

/** How an SLO burns now: the most severe firing multiwindow alert and its burn rate. */
export interface SloBurnStatus {
  alert: 'page' | 'ticket' | 'none';
  /** Burn rate of the firing alert's long window, else the current (5m) burn rate. */
  burnRate: number | null;
  /** The firing alert's burn-rate threshold. */
  threshold?: number;
}

/** What the ramp guard asks about a flag's linked SLO. Throws when it cannot tell. */
export interface SloStatusSource {
  statusFor(entityRef: string, sloName: string): Promise<SloBurnStatus>;
}

/** SloStatusSource over SloService (as SloReader): reads the entity from the catalog with the plugin's own credentials. */
export class SloServiceStatusSource implements SloStatusSource {
  constructor(
    private readonly deps: {
      slos: SloReader;
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {}

  async statusFor(entityRef: string, sloName: string): Promise<SloBurnStatus> {
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    if (!entity) throw new Error(`${entityRef} is not in the catalog`);
    const result = await this.deps.slos.forEntity(entity, entityRef);
    if (result.error) throw new Error(result.error);
    const slo = result.slos.find(s => s.name === sloName || s.id === sloName);
    if (!slo) {
      throw new Error(
        `${entityRef} declares no SLO '${sloName}' (declared: ${
          result.definitions.map(d => d.name).join(', ') || 'none'
        })`,
      );
    }
    for (const severity of ['page', 'ticket'] as const) {
      const alert = slo.alerts.find(a => a.severity === severity && a.firing);
      const condition = alert?.conditions.find(c => c.firing);
      if (alert) {
        return {
          alert: severity,
          burnRate: condition?.longBurnRate ?? slo.currentBurnRate,
          ...(condition ? { threshold: condition.factor } : {}),
        };
      }
    }
    return { alert: 'none', burnRate: slo.currentBurnRate };
  }
}
