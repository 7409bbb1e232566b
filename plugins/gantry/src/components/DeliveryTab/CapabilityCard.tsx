import {
  InfoCard,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import type { CapabilityStatus } from '@gantry/plugin-gantry-common';
import { Snippet } from '../shared/Snippet';

function exampleYaml(example: Record<string, string>): string {
  const lines = Object.entries(example).map(
    ([k, v]) => `    ${k}: ${JSON.stringify(v)}`,
  );
  return ['metadata:', '  annotations:', ...lines].join('\n');
}

/** One Gantry capability: ready, or what to add to get it. */
export function CapabilityCard({
  capability,
}: {
  capability: CapabilityStatus;
}) {
  const { configured, found, missing } = capability;
  // Annotated but not working yet (config missing, or the annotation finds nothing) is a
  // warning; no annotation at all is simply not enabled.
  const annotated =
    Object.keys(found).length > 0 ||
    missing.every(m => m.kind !== 'annotation');
  return (
    <InfoCard
      title={capability.title}
      subheader={capability.description}
      noPadding={false}
    >
      <Typography variant="body2" component="div">
        {configured && <StatusOK>Configured</StatusOK>}
        {!configured && annotated && (
          <StatusWarning>Needs configuration</StatusWarning>
        )}
        {!configured && !annotated && (
          <StatusPending>Not enabled</StatusPending>
        )}
      </Typography>
      {Object.keys(found).length > 0 && (
        <Box mt={1}>
          {Object.entries(found).map(([k, v]) => (
            <Typography key={k} variant="caption" display="block">
              {k}: <code>{v}</code>
            </Typography>
          ))}
        </Box>
      )}
      {missing.map(m => (
        <Box key={`${m.kind}-${m.keys.join()}`} mt={1}>
          <Typography variant="body2">{m.message}</Typography>
          {m.example && (
            <Snippet language="yaml" text={exampleYaml(m.example)} />
          )}
        </Box>
      ))}
    </InfoCard>
  );
}
