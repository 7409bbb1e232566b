import { z } from 'zod';

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** The body of POST …/argocd/:instance/applications/:application/:action. */
export const argocdActionBody = z
  .object({
    /** rollback: the status.history[].id to return to. */
    id: z.number().int().nonnegative().optional(),
    /** The release the caller believes it deploys; a mismatch with the manifests is a 409. */
    release: z
      .string()
      .regex(VERSION, {
        message: 'must be a release version such as 1.4.2',
      })
      .optional(),
    /** Lets a production action through a failing gate when an emergency promotion request exists. */
    emergency: z
      .object({
        reason: z
          .string()
          .trim()
          .min(10, {
            message:
              'say in at least 10 characters why this cannot wait for the gate',
          })
          .max(2000),
      })
      .strict()
      .optional(),
    /** enable-auto-sync: Argo CD's spec.syncPolicy.automated to restore. */
    automated: z
      .object({
        prune: z.boolean().optional(),
        selfHeal: z.boolean().optional(),
        allowEmpty: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** rollback: goes back past a release whose migration is forward-only, knowingly. */
    acknowledgeIrreversibleMigration: z.boolean().optional(),
  })
  .strict();

/** The query of GET …/argocd/:instance/applications/:application/rollback-check. */
export const rollbackCheckQuery = z
  .object({
    id: z
      .string({ required_error: 'is required: ?id=<status.history[].id>' })
      .regex(
        /^\d+$/,
        'must be the status.history[].id of the deployment to return to',
      )
      .transform(Number),
  })
  .strict();
