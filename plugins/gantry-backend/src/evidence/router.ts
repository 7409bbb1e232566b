import express, { type RequestHandler } from 'express';
import Router from 'express-promise-router';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  EVIDENCE_FORMATS,
  gantryEvidenceUploadPermission,
  type EvidenceFormat,
} from '@gantry/plugin-gantry-common';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf } from '../kernel/http/principal';
import { parseQuery } from '../kernel/http/validate';
import { versionParam } from '../kernel/http/versionParam';
import { MAX_EVIDENCE_BYTES, type EvidenceService } from './EvidenceService';

const uploadQuery = z.object({
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, {
      message: 'must be a git commit sha (7 to 40 lowercase hex characters)',
    })
    .optional(),
  imageDigest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, {
      message: 'must be sha256:<64 hex characters>',
    })
    .optional(),
});

function formatParam(format: string): EvidenceFormat {
  if (!(EVIDENCE_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(
      `Unknown evidence format '${format}'. Use one of: ${EVIDENCE_FORMATS.join(
        ', ',
      )}.`,
    );
  }
  return format as EvidenceFormat;
}

const CONTENT_TYPES: Record<EvidenceFormat, string> = {
  trivy: 'application/json',
  sarif: 'application/sarif+json',
  cyclonedx: 'application/vnd.cyclonedx+json',
  spdx: 'application/spdx+json',
  junit: 'application/xml',
  'in-toto': 'application/json',
  'load-test': 'application/json',
  attestation: 'application/json',
  migration: 'application/json',
  'dr-drill': 'application/json',
  dpia: 'application/json',
  'chaos-drill': 'application/json',
};

export function createEvidenceRouter(deps: {
  access: EntityAccess;
  evidence: EvidenceService;
  /** The per-principal limit of gantry.limits.evidenceUpload, checked before the body is read. */
  uploadLimit: RequestHandler;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  router.post(
    `${entity}/releases/:version/evidence/:format`,
    deps.uploadLimit,
    express.raw({ type: () => true, limit: MAX_EVIDENCE_BYTES + 1 }),
    async (req, res) => {
      const format = formatParam(req.params.format);
      const version = versionParam(req.params.version);
      const q = parseQuery(uploadQuery, req.query);
      const { credentials, entityRef } = await deps.access.resolve(
        req,
        gantryEvidenceUploadPermission,
      );
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { record, created } = await deps.evidence.upload({
        entityRef,
        version,
        commit: q.commit,
        imageDigest: q.imageDigest,
        format,
        content,
        actor: actorOf(credentials),
      });
      res.status(created ? 201 : 200).json(record);
    },
  );

  router.get(`${entity}/releases`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.evidence.listReleases(entityRef) });
  });

  router.get(`${entity}/releases/:version`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json(
      await deps.evidence.getRelease(
        entityRef,
        versionParam(req.params.version),
      ),
    );
  });

  router.get(`${entity}/evidence/:id/content`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    const { record, content } = await deps.evidence.content(req.params.id);
    // Another entity's evidence is as unknown here as a missing one (the read was checked on this entity).
    if (record.entityRef !== entityRef) {
      throw new NotFoundError(`No evidence ${req.params.id} for ${entityRef}.`);
    }
    res
      .attachment(
        `${record.version}-${record.format}-${record.sha256.slice(0, 12)}${
          record.format === 'junit' ? '.xml' : '.json'
        }`,
      )
      .type(CONTENT_TYPES[record.format])
      .set(
        'Digest',
        `sha-256=${Buffer.from(record.sha256, 'hex').toString('base64')}`,
      )
      .send(content);
  });

  // raw-body's own 413 says only "request entity too large"; say what the limit is.
  router.use(
    (
      err: any,
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (err?.type === 'entity.too.large') {
        const e = new Error(
          `The upload is larger than ${MAX_EVIDENCE_BYTES} bytes, the limit per evidence file. Split the report or drop fields the gates do not read.`,
        );
        e.name = 'PayloadTooLargeError';
        (e as any).statusCode = 413;
        next(e);
        return;
      }
      next(err);
    },
  );

  return router;
}
