import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import {
  gantryCanaryAnalyzePermission,
  traceLink,
  type CanaryAnalysis,
} from '@gantry/plugin-gantry-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf } from '../kernel/http/principal';
import { parseBody, parseQuery } from '../kernel/http/validate';
import type { CanaryAnalysisService } from './CanaryAnalysisService';

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
  message: 'must be a Kubernetes name (lowercase letters, digits, - and .)',
});
const hash = z.string().regex(/^[a-z0-9]{1,63}$/, {
  message:
    'must be a rollouts-pod-template-hash (lowercase letters and digits); pass {{args.canary-hash}} / {{args.stable-hash}} filled by podTemplateHashValue',
});

// Argo Rollouts fills {{args.*}} into jsonBody as strings, so numbers are coerced.
const analyzeBody = z
  .object({
    rolloutNamespace: k8sName,
    rollout: k8sName,
    step: z.coerce.number().int().min(0).max(1000),
    canaryHash: hash,
    baselineHash: hash,
    service: k8sName.optional(),
    windowSeconds: z.coerce.number().int().min(60).max(86_400).default(600),
    stepSeconds: z.coerce.number().int().min(5).max(3600).default(30),
    end: z
      .string()
      .datetime({ message: 'must be an ISO-8601 UTC time' })
      .optional(),
  })
  .strict()
  .refine(b => b.windowSeconds / b.stepSeconds <= 11_000, {
    message:
      'windowSeconds / stepSeconds is over 11,000 points, more than Prometheus returns: raise stepSeconds',
  });

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * Canary analysis routes.
 *
 * `POST /entities/:namespace/:kind/:name/canary/analyses` is an Argo Rollouts **web**
 * metric provider. Only service principals may call it (a static token from
 * `backend.auth.externalAccess`, which `accessRestrictions` can limit to the permission
 * `gantry.canary.analyze`), and the policy must allow that permission on the entity. It
 * answers 200 with the verdict (also for Error, with the reason), so Argo reads the
 * verdict instead of counting an HTTP error; asking again for the same rollout, canary
 * hash and step returns the stored verdict (`replayed: true`). Error verdicts are not
 * final: the next call judges again. The AnalysisTemplate:
 *
 * ```yaml
 * apiVersion: argoproj.io/v1alpha1
 * kind: AnalysisTemplate
 * metadata:
 *   name: checkout-canary-analysis
 * spec:
 *   args:
 *     - name: service-name
 *     - name: namespace
 *     - name: canary-hash        # valueFrom.podTemplateHashValue: Latest
 *     - name: stable-hash        # valueFrom.podTemplateHashValue: Stable
 *     - name: step               # the index of the analysis step in spec.strategy.canary.steps
 *     - name: entity-ref-path    # e.g. default/component/checkout
 *       value: default/component/checkout
 *     - name: gantry-token
 *       valueFrom:
 *         secretKeyRef: { name: gantry-canary-judge, key: token }
 *   metrics:
 *     - name: gantry-canary-judge
 *       count: 1
 *       consecutiveErrorLimit: 3
 *       # Pass -> Successful; Fail -> Failed (rollout aborts);
 *       # Marginal and Error -> Inconclusive (rollout pauses for a person).
 *       successCondition: result.verdict == "Pass"
 *       failureCondition: result.verdict == "Fail"
 *       provider:
 *         web:
 *           method: POST
 *           url: https://backstage.example.com/api/gantry/entities/{{args.entity-ref-path}}/canary/analyses
 *           timeoutSeconds: 30
 *           headers:
 *             - key: Authorization
 *               value: Bearer {{args.gantry-token}}
 *             - key: Content-Type
 *               value: application/json
 *           jsonBody:
 *             rolloutNamespace: "{{args.namespace}}"
 *             rollout: "{{args.service-name}}"
 *             service: "{{args.service-name}}"
 *             step: "{{args.step}}"
 *             canaryHash: "{{args.canary-hash}}"
 *             baselineHash: "{{args.stable-hash}}"
 *             windowSeconds: 600   # the pause before the analysis step
 *             stepSeconds: 30
 *           jsonPath: "{$}"
 * ```
 *
 * `GET …/canary/analyses[?limit=20]` and `GET …/canary/analyses/:id` read them back
 * (catalog read access to the entity).
 */
export function createCanaryRouter(deps: {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  canary: CanaryAnalysisService;
}) {
  const router = Router();
  const path = '/entities/:namespace/:kind/:name/canary/analyses';

  router.post(path, async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['service'] });
    const { credentials, entity, entityRef } = await deps.access.resolve(
      req,
      gantryCanaryAnalyzePermission,
    );
    const body = parseBody(analyzeBody, req.body);
    res.json(
      await deps.canary.analyze({
        entity,
        entityRef,
        rollout: { namespace: body.rolloutNamespace, name: body.rollout },
        step: body.step,
        canaryHash: body.canaryHash,
        baselineHash: body.baselineHash,
        service: body.service,
        windowSeconds: body.windowSeconds,
        stepSeconds: body.stepSeconds,
        end: body.end ? new Date(body.end) : undefined,
        actor: actorOf(credentials),
      }),
    );
  });

  const traced = (e: Entity, a: CanaryAnalysis): CanaryAnalysis => {
    const traceUrl = traceLink(e, a.window);
    return traceUrl ? { ...a, traceUrl } : a;
  };

  router.get(path, async (req, res) => {
    const { entity: e, entityRef } = await deps.access.resolve(req);
    const { limit } = parseQuery(listQuery, req.query);
    res.json({
      items: (await deps.canary.list(entityRef, limit)).map(a => traced(e, a)),
    });
  });

  router.get(`${path}/:id`, async (req, res) => {
    const { entity: e, entityRef } = await deps.access.resolve(req);
    const analysis = await deps.canary.get(entityRef, req.params.id);
    if (!analysis) {
      throw new NotFoundError(
        `No canary analysis ${req.params.id} for ${entityRef}: list the entity's analyses for their ids.`,
      );
    }
    res.json(traced(e, analysis));
  });

  return router;
}
