import type { RequestHandler } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { parseQuery } from '../kernel/http/validate';
import type { ComplianceReportService } from './ComplianceReportService';
import { reportToCsv } from './reportCsv';

const reportQuery = z.object({
  from: z.string().datetime({
    message: 'must be an ISO-8601 UTC time such as 2026-10-01T00:00:00Z',
  }),
  to: z.string().datetime({
    message: 'must be an ISO-8601 UTC time such as 2026-11-01T00:00:00Z',
  }),
  format: z.enum(['json', 'csv']).default('json'),
});

export function createReportRouter(deps: {
  access: EntityAccess;
  reports: ComplianceReportService;
  /** The per-principal limit of gantry.limits.complianceReport. */
  limit: RequestHandler;
}) {
  const router = Router();
  router.get(
    '/entities/:namespace/:kind/:name/compliance-report',
    deps.limit,
    async (req, res) => {
      const { entityRef } = await deps.access.resolve(req);
      const q = parseQuery(reportQuery, req.query);
      const { namespace, kind, name } = req.params;
      const base = `/api/gantry/entities/${encodeURIComponent(
        namespace,
      )}/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
      const report = await deps.reports.build(entityRef, q.from, q.to, {
        evidence: id => `${base}/evidence/${encodeURIComponent(id)}/content`,
        release: version => `${base}/releases/${encodeURIComponent(version)}`,
        promotions: () => `${base}/promotions`,
        deployments: environment =>
          `${base}/deployments/history?environment=${encodeURIComponent(
            environment,
          )}`,
      });
      const file = `compliance-${name}-${q.from.slice(0, 10)}-${q.to.slice(
        0,
        10,
      )}`;
      if (q.format === 'csv') {
        res
          .type('text/csv')
          .attachment(`${file}.csv`)
          .send(reportToCsv(report));
      } else {
        res.attachment(`${file}.json`).json(report);
      }
    },
  );
  return router;
}
