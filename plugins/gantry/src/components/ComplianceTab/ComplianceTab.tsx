import { useApi } from '@backstage/core-plugin-api';
import type { ReleaseRecord } from '@gantry/plugin-gantry-common';
import { Grid, Typography } from '@material-ui/core';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { Snippet } from '../shared/Snippet';
import { useEntityRef } from '../shared/useEntityRef';
import { EvidenceMatrix } from './EvidenceMatrix';
import { GateCard } from './GateCard';
import { PromotionsCard } from './PromotionsCard';
import { ReportCard } from './ReportCard';
import { VulnerabilityChart } from './VulnerabilityChart';
import { SelectField } from '../shared/SelectField';

function UploadHint({ path }: { path: string }) {
  return (
    <>
      <Typography variant="body2" paragraph>
        CI uploads evidence per release with a static token
        (backend.auth.externalAccess). The first upload creates the release:
      </Typography>
      <Snippet
        language="bash"
        text={`curl -X POST -H "Authorization: Bearer $GANTRY_CI_TOKEN" \\\n  --data-binary @trivy.json \\\n  "$BACKSTAGE_URL/api/gantry${path}/releases/1.4.2/evidence/trivy?commit=$GIT_SHA&imageDigest=$IMAGE_DIGEST"`}
      />
    </>
  );
}

/** The Compliance tab: evidence per release, gate verdicts, vulnerabilities, promotions, report. */
export function ComplianceTab() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const path = `/entities/${ref.namespace}/${ref.kind.toLocaleLowerCase(
    'en-US',
  )}/${ref.name}`;
  const releases = useAsyncRetry(() => api.listReleases(ref), [api, ref]);
  const overview = useAsyncRetry(() => api.getOverview(ref), [api, ref]);
  const promotions = useAsyncRetry(() => api.listPromotions(ref), [api, ref]);
  const gitops = useAsyncRetry(() => api.listGitopsChanges(ref), [api, ref]);
  const [version, setVersion] = useState<string>();
  useEffect(() => {
    if (!version && releases.value?.length)
      setVersion(releases.value[0].version);
  }, [releases.value, version]);

  const empty = {
    title: 'No releases yet',
    description: <UploadHint path={path} />,
  };
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <AsyncCard<ReleaseRecord[]>
          title="Releases and evidence"
          {...releases}
          isEmpty={v => v.length === 0}
          empty={empty}
        >
          {items => <EvidenceMatrix releases={items} entityPath={path} />}
        </AsyncCard>
      </Grid>
      <Grid item xs={12} md={6}>
        {releases.value && releases.value.length > 0 && (
          <SelectField
            id="gantry-release-select"
            size="small"
            label="Release"
            value={version ?? ''}
            onChange={e => setVersion(e.target.value)}
            style={{ marginBottom: 8, minWidth: 160 }}
            options={releases.value.map(r => ({
              value: r.version,
              label: r.version,
            }))}
          />
        )}
        <GateCard
          version={version}
          environments={overview.value?.environments ?? []}
          approvalEnvironments={overview.value?.approvalEnvironments ?? []}
          onChange={promotions.retry}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <AsyncCard<ReleaseRecord[]>
          title="Vulnerabilities by severity"
          subheader="All scans of each release"
          {...releases}
          isEmpty={v =>
            !v.some(r => r.evidence.some(e => e.summary.vulnerabilities))
          }
          empty={{
            title: 'No vulnerability scans yet',
            description:
              'Upload a Trivy report, SARIF with security-severity or a CycloneDX SBOM with vulnerabilities.',
          }}
        >
          {items => <VulnerabilityChart releases={items} />}
        </AsyncCard>
      </Grid>
      <Grid item xs={12}>
        <PromotionsCard {...promotions} gitopsChanges={gitops.value} />
      </Grid>
      <Grid item xs={12}>
        <ReportCard />
      </Grid>
    </Grid>
  );
}
