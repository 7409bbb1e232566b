import type { Knex } from 'knex';

/**
 * knex's migration lock lives in a table knex creates on first run, so two replicas
 * starting together on an empty database race to create it and one fails with
 * "duplicate key" or "already exists". The loser retries once the winner has made it;
 * after that the lock serializes them and the second finds nothing to do.
 */
export async function migrateLatest(
  db: Knex,
  directory: string,
  attempts = 5,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.migrate.latest({ directory });
      return;
    } catch (e) {
      const message = String((e as Error).message);
      const raced =
        /duplicate key|already exists|Migration table is already locked/i.test(
          message,
        );
      if (!raced || attempt >= attempts) throw e;
      await new Promise(r => setTimeout(r, 200 * attempt));
    }
  }
}
