import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

// in-toto publishes its attestation framework as protobuf and prose (in-toto/attestation
// spec/v1), not as JSON Schema on npm: the Statement, DSSE envelope and the two
// predicates Gantry reads are checked here.
const envelope = z.object({
  payloadType: z.literal('application/vnd.in-toto+json', {
    errorMap: () => ({ message: 'must be "application/vnd.in-toto+json"' }),
  }),
  payload: z.string().min(1),
  signatures: z.array(
    z.object({ keyid: z.string().optional(), sig: z.string().min(1) }),
  ),
});

const statement = z.object({
  _type: z.enum(
    ['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1'],
    {
      errorMap: () => ({
        message: 'must be "https://in-toto.io/Statement/v1"',
      }),
    },
  ),
  subject: z
    .array(z.object({ name: z.string(), digest: z.record(z.string()) }))
    .min(1, {
      message:
        'needs at least one subject (the artifact the statement is about)',
    }),
  predicateType: z.string().url({ message: 'must be the predicate type URI' }),
  predicate: z.record(z.unknown()).optional(),
});

const slsaV1 = z.object({
  buildDefinition: z.object({
    buildType: z.string().min(1),
    externalParameters: z.unknown(),
  }),
  runDetails: z.object({ builder: z.object({ id: z.string().min(1) }) }),
});

const testResult = z.object({
  result: z.enum(['PASSED', 'WARNED', 'FAILED']),
  passedTests: z.array(z.string()).optional(),
  warnedTests: z.array(z.string()).optional(),
  failedTests: z.array(z.string()).optional(),
});

const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const TEST_RESULT = 'https://in-toto.io/attestation/test-result/v0.1';

function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError(
      'in-toto',
      pathOf([prefix, ...issue.path].filter(Boolean)),
      issue.message,
    );
  }
  return r.data;
}

/** An in-toto Statement, plain or in a DSSE envelope (signatures are recorded, not verified here). */
export function parseInToto(bytes: Buffer): EvidenceSummary {
  const json = parseJson('in-toto', bytes) as Record<string, unknown>;
  let body: unknown = json;
  let signed = false;
  let prefix = '';
  if (json && typeof json === 'object' && 'payloadType' in json) {
    const env = check(envelope, json, '');
    signed = env.signatures.length > 0;
    prefix = 'payload';
    try {
      body = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
    } catch {
      throw new EvidenceFormatError(
        'in-toto',
        'payload',
        'is not base64-encoded JSON',
      );
    }
  }
  const st = check(statement, body, prefix);
  const subjects = st.subject.map(s => ({
    name: s.name,
    sha256: s.digest.sha256,
  }));
  if (st.predicateType === SLSA_V1) {
    const p = check(
      slsaV1,
      st.predicate,
      `${prefix ? `${prefix}.` : ''}predicate`,
    );
    return {
      headline: `SLSA provenance v1 from ${p.runDetails.builder.id}${
        signed ? ' (DSSE signed)' : ''
      }`,
      provenance: {
        predicateType: st.predicateType,
        builderId: p.runDetails.builder.id,
        buildType: p.buildDefinition.buildType,
        subjects,
        signed,
      },
    };
  }
  if (st.predicateType === TEST_RESULT) {
    const p = check(
      testResult,
      st.predicate,
      `${prefix ? `${prefix}.` : ''}predicate`,
    );
    const passed = p.passedTests?.length ?? 0;
    const failed = p.failedTests?.length ?? 0;
    const warned = p.warnedTests?.length ?? 0;
    return {
      headline: `Test result attestation: ${p.result}`,
      tests: {
        total: passed + failed + warned,
        passed: passed + warned,
        failed: p.result === 'FAILED' ? Math.max(failed, 1) : failed,
        skipped: 0,
        failures: (p.failedTests ?? []).slice(0, 50).map(name => ({ name })),
      },
    };
  }
  return {
    headline: `in-toto attestation ${st.predicateType}`,
    attestation: { type: st.predicateType },
    provenance: { predicateType: st.predicateType, subjects, signed },
  };
}
