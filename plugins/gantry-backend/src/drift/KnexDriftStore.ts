import type { Knex } from 'knex';
import type { DriftKey, DriftStore, TrackedDrift } from './DriftStore';

const TABLE = 'gantry_drift';

type Row = {
  entity_ref: string;
  subject: string;
  kind: string;
  since: string;
  notified_at: string | null;
};

const toTracked = (r: Row): TrackedDrift => ({
  subject: r.subject,
  kind: r.kind,
  since: r.since,
  notifiedAt: r.notified_at ?? undefined,
});

const byKey = (k: DriftKey) => ({
  entity_ref: k.entityRef,
  subject: k.subject,
  kind: k.kind,
});

export class KnexDriftStore implements DriftStore {
  constructor(private readonly db: Knex) {}

  async forEntity(entityRef: string): Promise<TrackedDrift[]> {
    const rows = await this.db<Row>(TABLE).where({ entity_ref: entityRef });
    return rows.map(toTracked);
  }

  async remove(key: DriftKey): Promise<void> {
    await this.db(TABLE).where(byKey(key)).delete();
  }

  async track(key: DriftKey, since: string): Promise<TrackedDrift> {
    await this.db(TABLE)
      .insert({ ...byKey(key), since })
      .onConflict(['entity_ref', 'subject', 'kind'])
      .ignore();
    // present: inserted just now or before
    const row = await this.db<Row>(TABLE).where(byKey(key)).first();
    return toTracked(row!);
  }

  async claimNotice(key: DriftKey, at: string): Promise<boolean> {
    const claimed = await this.db(TABLE)
      .where(byKey(key))
      .whereNull('notified_at')
      .update({ notified_at: at });
    return claimed > 0;
  }
}
