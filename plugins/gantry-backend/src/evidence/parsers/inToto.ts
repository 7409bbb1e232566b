import { z } from 'zod';
import type {
  EvidenceSummary,
  SignatureReport,
} from '@gantry/plugin-gantry-common';
import { SignatureVerifier } from '../signatures/SignatureVerifier';
import {
  looksLikeBundle,
  parseAttestationBundle,
} from '../signatures/sigstoreBundle';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

// in-toto publishes its attestation framework as protobuf and prose (in-toto/attestation
// spec/v1), not as JSON Schema on npm: the Statement, DSSE envelope and the two
// predicates Gantry reads are checked here; Sigstore bundles by @sigstore/bundle.
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

const IN_TOTO_PAYLOAD = 'application/vnd.in-toto+json';

/** The statement in a DSSE payload (already base64-decoded). */
function decodePayload(payload: Buffer, at: string): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    throw new EvidenceFormatError('in-toto', at, 'is not base64-encoded JSON');
  }
}

/** The statement a document carries, where it sits, and how it was signed. */
function unwrap(
  json: unknown,
  verifier: SignatureVerifier,
): { body: unknown; prefix: string; signature?: SignatureReport } {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new EvidenceFormatError(
      'in-toto',
      '',
      'must be a JSON object: an in-toto Statement, a DSSE envelope or a Sigstore bundle',
    );
  }
  if (looksLikeBundle(json)) {
    const bundle = parseAttestationBundle(json);
    const env = bundle.content.dsseEnvelope;
    if (env.payloadType !== IN_TOTO_PAYLOAD) {
      throw new EvidenceFormatError(
        'in-toto',
        'dsseEnvelope.payloadType',
        `is "${env.payloadType}"; the bundle must carry an in-toto statement ("${IN_TOTO_PAYLOAD}")`,
      );
    }
    return {
      body: decodePayload(env.payload, 'dsseEnvelope.payload'),
      prefix: 'dsseEnvelope.payload',
      signature: verifier.verifyBundle(bundle),
    };
  }
  if ('payloadType' in json) {
    const env = check(envelope, json, '');
    const payload = Buffer.from(env.payload, 'base64');
    return {
      body: decodePayload(payload, 'payload'),
      prefix: 'payload',
      signature: verifier.verifyEnvelope({
        payloadType: env.payloadType,
        payload,
        signatures: env.signatures.map(s => ({
          keyid: s.keyid,
          sig: Buffer.from(s.sig, 'base64'),
        })),
      }),
    };
  }
  if (!('_type' in json)) {
    throw new EvidenceFormatError(
      'in-toto',
      '',
      'is not an in-toto Statement (no _type), a DSSE envelope (no payloadType) or a Sigstore bundle (no mediaType application/vnd.dev.sigstore.bundle…)',
    );
  }
  return { body: json, prefix: '' };
}

/** How a headline tells the signature: "verified" only when it was. */
function signatureNote(signature: SignatureReport | undefined): string {
  if (!signature) return ' (unsigned)';
  switch (signature.status) {
    case 'verified':
      return `, signed by ${signature.signer}, verified`;
    case 'invalid':
      return ', INVALID signature';
    default:
      return ', signature unverified';
  }
}

/**
 * An in-toto Statement: plain, in a DSSE envelope, or in a Sigstore bundle (v0.1-v0.3).
 * A signature is checked with `verifier` and recorded as verified, unverified or
 * invalid; an invalid one is stored as such (the provenance rule fails on it), so the
 * upload stays on record for whoever investigates.
 */
export function parseInToto(
  bytes: Buffer,
  verifier: SignatureVerifier = SignatureVerifier.untrusted(),
): EvidenceSummary {
  const { body, prefix, signature } = unwrap(
    parseJson('in-toto', bytes),
    verifier,
  );
  const st = check(statement, body, prefix);
  const subjects = st.subject.map(s => ({
    name: s.name,
    sha256: s.digest.sha256,
  }));
  const signed = signature ? { signature } : {};
  if (st.predicateType === SLSA_V1) {
    const p = check(
      slsaV1,
      st.predicate,
      `${prefix ? `${prefix}.` : ''}predicate`,
    );
    return {
      headline: `SLSA provenance v1 from ${
        p.runDetails.builder.id
      }${signatureNote(signature)}`,
      provenance: {
        predicateType: st.predicateType,
        builderId: p.runDetails.builder.id,
        buildType: p.buildDefinition.buildType,
        subjects,
      },
      ...signed,
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
      headline: `Test result attestation: ${p.result}${
        signature ? signatureNote(signature) : ''
      }`,
      tests: {
        total: passed + failed + warned,
        passed: passed + warned,
        failed: p.result === 'FAILED' ? Math.max(failed, 1) : failed,
        skipped: 0,
        failures: (p.failedTests ?? []).slice(0, 50).map(name => ({ name })),
      },
      ...signed,
    };
  }
  return {
    headline: `in-toto attestation ${st.predicateType}${
      signature ? signatureNote(signature) : ''
    }`,
    attestation: { type: st.predicateType },
    provenance: { predicateType: st.predicateType, subjects },
    ...signed,
  };
}
