import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import type { ControlEvidence } from '@gantry/plugin-gantry-common';
import { Link, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { FoldedList } from '../shared/FoldedList';

const API_PREFIX = '/api/gantry';

/**
 * The records a control rests on. Evidence files link to their content (as the evidence
 * matrix does); promotions, deployments, releases and approvers are named by id, the same
 * ids the JSON and CSV downloads carry.
 */
export function ControlEvidenceList({
  evidence,
}: {
  evidence: ControlEvidence[];
}) {
  const discovery = useApi(discoveryApiRef);
  const { value: base } = useAsync(
    () => discovery.getBaseUrl('gantry'),
    [discovery],
  );
  if (evidence.length === 0)
    return (
      <Typography variant="body2" color="textSecondary">
        no records in the period
      </Typography>
    );
  return (
    <FoldedList
      items={evidence}
      render={e => {
        const text = `${e.kind} ${e.id}: ${e.label}`;
        return e.kind === 'evidence' && e.href && base ? (
          <Link
            key={`${e.kind}-${e.id}`}
            href={`${base}${e.href.replace(API_PREFIX, '')}`}
            variant="body2"
            display="block"
          >
            {text}
          </Link>
        ) : (
          <Typography key={`${e.kind}-${e.id}`} variant="body2">
            {text}
          </Typography>
        );
      }}
    />
  );
}
