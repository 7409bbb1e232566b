import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { parseQuery } from '../kernel/http/validate';
import type { ProcessingRecordService } from './ProcessingRecordService';
import { processingRecordToCsv } from './processingRecordCsv';
import type { ProcessingRecord } from '@gantry/plugin-gantry-common';
import type { Response } from 'express';
import { InputError } from '@backstage/errors';

const recordQuery = z.object({
  format: z.enum(['json', 'csv']).default('json'),
});

function send(
  res: Response,
  record: ProcessingRecord,
  file: string,
  format: 'json' | 'csv',
) {
  if (format === 'csv')
    res
      .type('text/csv')
      .attachment(`${file}.csv`)
      .send(processingRecordToCsv(record));
  else res.json(record);
}

/** The record of processing activities: the whole catalog, or one System. */
export function createPrivacyRouter(deps: {
  access: EntityAccess;
  httpAuth: HttpAuthService;
  records: ProcessingRecordService;
}) {
  const router = Router();
  router.get('/privacy/processing-record', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = parseQuery(recordQuery, req.query);
    const record = await deps.records.build(credentials);
    send(res, record, 'processing-record-catalog', q.format);
  });
  router.get(
    '/entities/:namespace/:kind/:name/processing-record',
    async (req, res) => {
      const q = parseQuery(recordQuery, req.query);
      const { credentials, entity, entityRef } = await deps.access.resolve(req);
      if (entity.kind.toLowerCase() !== 'system')
        throw new InputError(
          `${entityRef} is a ${entity.kind}; the record of processing activities is per System: ask for its System, or /privacy/processing-record for the whole catalog.`,
        );
      const record = await deps.records.build(credentials, entityRef);
      send(res, record, `processing-record-${entity.metadata.name}`, q.format);
    },
  );
  return router;
}
