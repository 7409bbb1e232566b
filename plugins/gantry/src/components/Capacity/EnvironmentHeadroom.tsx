import type {
  CapacityEnvironment,
  CapacityResource,
} from '@gantry/plugin-gantry-common';
import { Box, Chip, LinearProgress, Typography } from '@material-ui/core';
import { bytes, cores, envLabel, forecast, percent } from './format';

const SATURATED = 0.9;

function ResourceLine(props: {
  name: string;
  resource: CapacityResource;
  unit: (v: number | null) => string;
  window: string;
  testId: string;
}) {
  const { resource: r } = props;
  const soon = r.daysToLimit !== null && r.daysToLimit < 7;
  return (
    <Box mt={1} data-testid={props.testId}>
      <Typography variant="body2">
        <strong>{props.name}</strong> {percent(r.ratio)} of{' '}
        {props.unit(r.limit)} ({props.unit(r.usage)} used) ·{' '}
        <span style={soon ? { color: '#d32f2f', fontWeight: 500 } : undefined}>
          {forecast(r.daysToLimit, r.ratio, props.window)}
        </span>
      </Typography>
      {r.ratio !== null && (
        <LinearProgress
          variant="determinate"
          color={r.ratio >= SATURATED ? 'secondary' : 'primary'}
          value={Math.min(100, r.ratio * 100)}
          aria-label={`${props.name} ${percent(r.ratio)} of limits`}
        />
      )}
    </Box>
  );
}

/** One environment's numbers: CPU and memory against limits with forecasts, HPA replicas. */
export function EnvironmentHeadroom(props: {
  env: CapacityEnvironment;
  window: string;
}) {
  const { env } = props;
  const id = env.environment ?? env.namespace;
  return (
    <Box mt={2} data-testid={`capacity-${id}`}>
      <Typography variant="subtitle2">{envLabel(env)}</Typography>
      {env.reason ? (
        <Typography variant="body2" color="textSecondary">
          {env.reason}
        </Typography>
      ) : (
        <>
          <ResourceLine
            name="CPU"
            resource={env.cpu}
            unit={cores}
            window={props.window}
            testId={`capacity-${id}-cpu`}
          />
          <ResourceLine
            name="Memory"
            resource={env.memory}
            unit={bytes}
            window={props.window}
            testId={`capacity-${id}-memory`}
          />
          <Box mt={1} data-testid={`capacity-${id}-hpa`}>
            {env.hpa ? (
              <Typography variant="body2">
                <strong>HPA</strong> {env.hpa.currentReplicas} of{' '}
                {env.hpa.maxReplicas} replicas{' '}
                {env.hpa.atMax && (
                  <Chip
                    size="small"
                    color="secondary"
                    label="at max replicas"
                  />
                )}
              </Typography>
            ) : (
              <Typography variant="body2" color="textSecondary">
                No HorizontalPodAutoscaler series.
              </Typography>
            )}
          </Box>
        </>
      )}
    </Box>
  );
}
