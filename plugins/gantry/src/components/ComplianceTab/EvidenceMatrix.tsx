import type { TableColumn } from '@backstage/core-components';
import { DenseTable } from '../shared/DenseTable';
import type {
  EvidenceRecord,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import { Chip, Link, Tooltip } from '@material-ui/core';
import { useApi, discoveryApiRef } from '@backstage/core-plugin-api';
import { Fragment } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { provenanceLabel, SignatureChip } from './SignatureChip';

const bySeverity = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`)
    .join(', ');

/** A Trivy report sits in several columns; each shows the part it is about. */
const secretsLabel = (e: EvidenceRecord) => {
  const s = e.summary.secrets;
  if (!s || e.summary.codeScan?.secretScan) return e.summary.headline;
  return s.total === 0
    ? `${s.tool}: no secrets`
    : `${s.tool}: ${s.total} secret${s.total === 1 ? '' : 's'} (${bySeverity(
        s.counts,
      )})`;
};
const otherLabel = (e: EvidenceRecord) => {
  const m = e.summary.misconfigurations;
  if (!m) return e.summary.headline;
  return `Trivy: ${m.failures} failed configuration check${
    m.failures === 1 ? '' : 's'
  }${m.failures ? ` (${bySeverity(m.counts)})` : ''}`;
};

const KINDS: Array<{
  title: string;
  has: (e: EvidenceRecord) => boolean;
  label?: (e: EvidenceRecord) => string;
}> = [
  {
    title: 'Vulnerability scan',
    has: e => Boolean(e.summary.vulnerabilities) && e.format !== 'cyclonedx',
  },
  { title: 'Tests', has: e => Boolean(e.summary.tests) },
  { title: 'SBOM', has: e => Boolean(e.summary.sbom) },
  {
    title: 'Provenance',
    has: e =>
      e.summary.provenance?.predicateType === 'https://slsa.dev/provenance/v1',
    label: provenanceLabel,
  },
  {
    title: 'Secret scan',
    has: e => Boolean(e.summary.codeScan?.secretScan || e.summary.secrets),
    label: secretsLabel,
  },
  {
    title: 'Other',
    has: e =>
      Boolean(
        e.summary.loadTest ||
          e.summary.attestation ||
          e.summary.misconfigurations,
      ),
    label: otherLabel,
  },
];

function EvidenceCell({
  items,
  label = e => e.summary.headline,
  base,
  entityPath,
}: {
  items: EvidenceRecord[];
  label?: (e: EvidenceRecord) => string;
  base?: string;
  entityPath: string;
}) {
  if (items.length === 0)
    return <Chip size="small" variant="outlined" label="missing" />;
  return (
    <>
      {items.map(e => (
        <Fragment key={e.id}>
          <Tooltip
            title={`${e.format}, sha256 ${e.sha256.slice(0, 12)}…, ${
              e.uploadedBy
            }`}
          >
            <Link
              href={
                base
                  ? `${base}${entityPath}/evidence/${e.id}/content`
                  : undefined
              }
              variant="body2"
              display="block"
            >
              {label(e)}
            </Link>
          </Tooltip>
          <SignatureChip evidence={e} />
        </Fragment>
      ))}
    </>
  );
}

/** Releases (rows) x kinds of evidence (columns), each cell linking the original files. */
export function EvidenceMatrix({
  releases,
  entityPath,
}: {
  releases: ReleaseRecord[];
  entityPath: string;
}) {
  const discovery = useApi(discoveryApiRef);
  const { value: base } = useAsync(
    () => discovery.getBaseUrl('gantry'),
    [discovery],
  );
  const columns: TableColumn<ReleaseRecord>[] = [
    {
      title: 'Release',
      field: 'version',
      render: r => <strong>{r.version}</strong>,
    },
    { title: 'Commit', render: r => <code>{r.commit.slice(0, 8)}</code> },
    ...KINDS.map(k => ({
      title: k.title,
      render: (r: ReleaseRecord) => (
        <EvidenceCell
          items={r.evidence.filter(k.has)}
          label={k.label}
          base={base}
          entityPath={entityPath}
        />
      ),
    })),
  ];
  return <DenseTable<ReleaseRecord> columns={columns} data={releases} />;
}
