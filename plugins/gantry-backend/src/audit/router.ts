import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { gantryAuditReadPermission } from '@gantry/plugin-gantry-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { csvRow } from '../kernel/csv';
import { authorize } from '../kernel/http/authorize';
import { parseQuery } from '../kernel/http/validate';
import type { AuditService } from '../kernel/audit/AuditService';

const exportQuery = z.object({
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  from: z
    .string()
    .datetime({
      message: 'must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z',
    })
    .optional(),
  to: z
    .string()
    .datetime({
      message: 'must be an ISO-8601 UTC time such as 2026-02-01T00:00:00Z',
    })
    .optional(),
});

export function createAuditRouter(deps: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  audit: AuditService;
}) {
  const router = Router();

  // The head is public to any signed-in caller so an outside copy can anchor the chain.
  router.get('/audit/head', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await deps.audit.head());
  });

  router.get('/audit/verify', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(deps.permissions, credentials, gantryAuditReadPermission);
    res.json(await deps.audit.verify());
  });

  router.get('/audit/export', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(deps.permissions, credentials, gantryAuditReadPermission);
    const q = parseQuery(exportQuery, req.query);
    const name = `gantry-audit${q.from ? `-from-${q.from.slice(0, 10)}` : ''}${
      q.to ? `-to-${q.to.slice(0, 10)}` : ''
    }`;
    if (q.format === 'csv') {
      res.attachment(`${name}.csv`).type('text/csv');
      res.write('seq,occurredAt,actor,action,entityRef,hash,prevHash,record\n');
      for await (const r of deps.audit.export(q)) {
        res.write(
          csvRow([
            r.seq,
            r.occurredAt,
            r.actor,
            r.action,
            r.entityRef,
            r.hash,
            r.prevHash,
            r.record,
          ]),
        );
      }
    } else {
      // attachment() sets a type from the file extension; set ours after it
      res.attachment(`${name}.jsonl`).type('application/x-ndjson');
      for await (const r of deps.audit.export(q)) {
        res.write(
          `${JSON.stringify({
            ...JSON.parse(r.record),
            prevHash: r.prevHash,
            hash: r.hash,
          })}\n`,
        );
      }
    }
    res.end();
  });

  return router;
}
