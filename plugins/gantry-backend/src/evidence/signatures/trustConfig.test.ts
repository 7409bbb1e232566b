import { ConfigReader } from '@backstage/config';
import {
  readComplianceConfig,
  signatureRequiredBy,
} from '../../kernel/config/complianceConfig';
import {
  PUBLIC_GOOD_ROOT,
  RELEASE_WORKFLOW,
  testKey,
} from './__testUtils__/signing';

const read = (compliance: object) =>
  readComplianceConfig(new ConfigReader({ gantry: { compliance } }), [
    'staging',
    'production',
  ]);
const key = testKey('ci');
const keys = [{ keyId: 'ci', publicKey: key.publicKey }];

describe('gantry.compliance.signatures', () => {
  it('requires nothing when no signer is trusted (the default)', () => {
    const c = read({});
    expect(c.signatures).toMatchObject({
      keys: [],
      keyless: [],
      required: false,
    });
    expect(signatureRequiredBy(c, 'default')).toBe(false);
  });

  it('requires verified signatures once a signer is trusted, unless a policy opts out', () => {
    const c = read({
      signatures: { keys, byPolicy: { default: { required: false } } },
    });
    expect(signatureRequiredBy(c, 'strict')).toBe(true);
    expect(signatureRequiredBy(c, 'default')).toBe(false);
  });

  it.each([
    [
      { signatures: { required: true } },
      'gantry.compliance.signatures requires verified signatures but trusts no signer: add gantry.compliance.signatures.keys or gantry.compliance.signatures.keyless',
    ],
    [
      { signatures: { byPolicy: { strict: { required: true } } } },
      'requires verified signatures but trusts no signer',
    ],
    [
      { signatures: { keyless: [RELEASE_WORKFLOW] } },
      'gantry.compliance.signatures.keyless needs a trusted root to check certificates against: set gantry.compliance.signatures.trustedRootFile',
    ],
    [
      {
        signatures: {
          keyless: [{ issuer: RELEASE_WORKFLOW.issuer }],
          trustedRootFile: PUBLIC_GOOD_ROOT,
        },
      },
      'gantry.compliance.signatures.keyless[0] needs exactly one of subject',
    ],
    [
      {
        signatures: {
          keyless: [{ ...RELEASE_WORKFLOW, subjectRegExp: '.*' }],
          trustedRootFile: PUBLIC_GOOD_ROOT,
        },
      },
      'needs exactly one of subject',
    ],
    [
      {
        signatures: {
          keyless: [{ issuer: RELEASE_WORKFLOW.issuer, subjectRegExp: '(' }],
          trustedRootFile: PUBLIC_GOOD_ROOT,
        },
      },
      'gantry.compliance.signatures.keyless[0].subjectRegExp is not a regular expression',
    ],
    [
      {
        signatures: { keys, trustedRootFile: '/nonexistent/trusted_root.json' },
      },
      'gantry.compliance.signatures.trustedRootFile /nonexistent/trusted_root.json cannot be read',
    ],
    [
      {
        signatures: {
          keys,
          trustedRootFile: PUBLIC_GOOD_ROOT,
          trustedRoot: '{}',
        },
      },
      'sets both trustedRootFile and trustedRoot; keep one',
    ],
    [
      { signatures: { keys: [...keys, ...keys] } },
      'gantry.compliance.signatures.keys[1].keyId ci is used twice',
    ],
    [
      { signatures: { keys, byPolicy: { nightly: { required: true } } } },
      'gantry.compliance.signatures.byPolicy.nightly sets a policy that does not exist; known policies are default, strict',
    ],
  ])('refuses %j at startup', (compliance, message) => {
    expect(() => read(compliance)).toThrow(message);
  });
});
