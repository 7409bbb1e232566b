import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATIONS,
  FLAG_METADATA,
  linkedSloOf,
  type FlagdFlag,
} from '@gantry/plugin-gantry-common';
import type { SloReader } from './sloReader';

/**
 * Refuses a flag whose `linkedSlo` names an SLO its entity does not declare: the ramp
 * guard would look for it every minute and never find it, so the ramp would never stop.
 */
export class LinkedSloCheck {
  constructor(private readonly slos: Pick<SloReader, 'declared'>) {}

  async check(entity: Entity, definition: FlagdFlag): Promise<void> {
    const linked = linkedSloOf(definition);
    if (!linked) return;
    const ref = stringifyEntityRef(entity);
    let declared: Array<{ id: string; name: string }>;
    try {
      declared = await this.slos.declared(entity);
    } catch (e) {
      throw new InputError(
        `metadata.${
          FLAG_METADATA.linkedSlo
        } '${linked}' cannot be checked: the SLO spec of ${ref} does not load (${
          (e as Error).message
        }). Fix the spec, or leave ${FLAG_METADATA.linkedSlo} out for now.`,
      );
    }
    if (declared.some(s => s.name === linked || s.id === linked)) return;
    throw new InputError(
      `metadata.${
        FLAG_METADATA.linkedSlo
      } '${linked}' is not an SLO of ${ref}: ${
        declared.length
          ? `it declares ${declared.map(s => s.name).join(', ')}`
          : `it declares none (add the ${ANNOTATIONS.sloSpec} or ${ANNOTATIONS.sloInline} annotation)`
      }. Name one of those, or leave ${
        FLAG_METADATA.linkedSlo
      } out if the ramp should not stop on an SLO.`,
    );
  }
}
