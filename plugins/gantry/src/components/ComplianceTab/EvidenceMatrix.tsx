import type { TableColumn } from '@backstage/core-components';
import { DenseTable } from '../shared/DenseTable';
import type {
  EvidenceRecord,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import { Chip, Link, Tooltip } from '@material-ui/core';
import { useApi, discoveryApiRef } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';

const KINDS: Array<{ title: string; has: (e: EvidenceRecord) => boolean }> = [
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
  },
  { title: 'Secret scan', has: e => Boolean(e.summary.codeScan?.secretScan) },
  {
    title: 'Other',
    has: e => Boolean(e.summary.loadTest || e.summary.attestation),
  },
];

function EvidenceCell({
  items,
  base,
  entityPath,
}: {
  items: EvidenceRecord[];
  base?: string;
  entityPath: string;
}) {
  if (items.length === 0)
    return <Chip size="small" variant="outlined" label="missing" />;
  return (
    <>
      {items.map(e => (
        <Tooltip
          key={e.id}
          title={`${e.format}, sha256 ${e.sha256.slice(0, 12)}…, ${
            e.uploadedBy
          }`}
        >
          <Link
            href={
              base ? `${base}${entityPath}/evidence/${e.id}/content` : undefined
            }
            variant="body2"
            display="block"
          >
            {e.summary.headline}
          </Link>
        </Tooltip>
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
          base={base}
          entityPath={entityPath}
        />
      ),
    })),
  ];
  return <DenseTable<ReleaseRecord> columns={columns} data={releases} />;
}
