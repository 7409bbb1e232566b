import { discoveryApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  EvidenceRecord,
  EvidenceSummary,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import { EvidenceMatrix } from './EvidenceMatrix';

const BUILDER = 'https://github.com/actions/runner/github-hosted';
const provenance = (id: string, extra: Partial<EvidenceSummary>) =>
  ({
    id,
    entityRef: 'component:default/checkout',
    version: '1.0.0',
    format: 'in-toto',
    sha256: 'a'.repeat(64),
    sizeBytes: 10,
    uploadedBy: 'service:ci',
    uploadedAt: '2026-12-01T10:00:00Z',
    summary: {
      headline: `SLSA provenance v1 from ${BUILDER}`,
      provenance: {
        predicateType: 'https://slsa.dev/provenance/v1',
        builderId: BUILDER,
        subjects: [],
      },
      ...extra,
    },
  } as EvidenceRecord);

async function renderCells(evidence: EvidenceRecord[]) {
  const releases: ReleaseRecord[] = [
    {
      entityRef: 'component:default/checkout',
      version: '1.0.0',
      commit: '0d6a3b2c9e8f',
      createdAt: '2026-12-01T10:00:00Z',
      evidence,
    },
  ];
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [discoveryApiRef, { getBaseUrl: async () => 'http://gantry.test' }],
      ]}
    >
      <EvidenceMatrix releases={releases} entityPath="/entities/x" />
    </TestApiProvider>,
  );
}

describe('signatures in the evidence matrix', () => {
  it('says "signed by <identity>, verified" for a verified signature', async () => {
    await renderCells([
      provenance('v', {
        signature: {
          status: 'verified',
          envelope: 'sigstore-bundle',
          signer:
            'https://github.com/acme/checkout/.github/workflows/release.yml@refs/heads/main',
          issuer: 'https://token.actions.githubusercontent.com',
          reason: 'Keyless signature verified.',
        },
      }),
    ]);
    expect(screen.getByTestId('signature-v')).toHaveTextContent(
      'signed by https://github.com/acme/checkout/.github/workflows/release.yml@refs/heads/main, verified',
    );
  });

  it('never says "verified" for an unverified or invalid signature, or one uploaded before verification', async () => {
    await renderCells([
      provenance('u', {
        signature: {
          status: 'unverified',
          envelope: 'dsse',
          reason: 'DSSE signature not checked.',
        },
      }),
      provenance('i', {
        signature: {
          status: 'invalid',
          envelope: 'dsse',
          reason: 'No DSSE signature verifies.',
        },
      }),
      // a record stored before issue 16: headline and flag from the old parser
      {
        ...provenance('legacy', {}),
        summary: {
          headline: `SLSA provenance v1 from ${BUILDER} (DSSE signed)`,
          provenance: {
            predicateType: 'https://slsa.dev/provenance/v1',
            builderId: BUILDER,
            subjects: [],
            signed: true,
          },
        },
      },
    ]);
    expect(screen.getByTestId('signature-u')).toHaveTextContent(
      'signature unverified',
    );
    expect(screen.getByTestId('signature-i')).toHaveTextContent(
      'invalid signature',
    );
    expect(screen.getByTestId('signature-legacy')).toHaveTextContent(
      'signature unverified',
    );
    expect(screen.queryByText(/(?<!un)verified/)).toBeNull();
    expect(screen.queryByText(/DSSE signed/)).toBeNull();
  });

  it('shows no signature chip for an unsigned statement', async () => {
    await renderCells([provenance('plain', {})]);
    expect(
      screen.getByText(`SLSA provenance v1 from ${BUILDER}`),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('signature-plain')).toBeNull();
  });
});
