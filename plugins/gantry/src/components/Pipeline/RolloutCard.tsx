import type { RolloutView } from '@gantry/plugin-gantry-common';
import { Box, Typography } from '@material-ui/core';
import { useEffect, useState } from 'react';
import { AnalysisTable } from './AnalysisTable';
import { RolloutActions } from './RolloutActions';
import { RolloutProgress, pauseRemaining } from './RolloutProgress';

function Countdown({ rollout }: { rollout: RolloutView }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const left = pauseRemaining(rollout, now);
  return left ? <> resumes in {left}</> : <> waiting for a person to promote</>;
}

/** The canary's weight as the CLI reports it (older backends sent only canaryWeight). */
export const actualWeightOf = (r: RolloutView) =>
  r.actualWeight ?? (r.fullyPromoted ? 100 : r.canaryWeight ?? 0);

/** One Rollout of an environment: phase, weights, stable revision, pause, actions, analysis. */
export function RolloutCard({
  rollout,
  onChange,
}: {
  rollout: RolloutView;
  onChange: () => void;
}) {
  const latest = rollout.analysisRuns[0];
  const waiting = rollout.waitingForController;
  const actual = actualWeightOf(rollout);
  const canary = rollout.strategy === 'canary';
  return (
    <Box mt={2}>
      <Typography variant="subtitle2">
        Rollout {rollout.name}: {rollout.phase}
        {canary &&
          (waiting || !rollout.fullyPromoted) &&
          ` · ${actual} % canary`}
      </Typography>
      {waiting ? (
        <Typography variant="caption" display="block" color="textSecondary">
          Waiting for the controller ({waiting}); the status below is from
          before the latest change.
        </Typography>
      ) : (
        rollout.message && (
          <Typography
            variant="caption"
            display="block"
            color={rollout.aborted ? 'error' : 'textSecondary'}
          >
            {rollout.message}
          </Typography>
        )
      )}
      {canary && rollout.setWeight !== undefined && (
        <Typography variant="caption" display="block">
          set weight {rollout.setWeight} % · actual weight {actual} %
        </Typography>
      )}
      {(rollout.stableRS || rollout.revision) && (
        <Typography variant="caption" display="block" color="textSecondary">
          {[
            rollout.stableRS && `stable ${rollout.stableRS}`,
            rollout.revision && `revision ${rollout.revision}`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Typography>
      )}
      {canary && <RolloutProgress rollout={rollout} />}
      {rollout.strategy === 'blueGreen' && (
        <Typography variant="caption" display="block">
          active {rollout.activeSelector ?? '-'} · preview{' '}
          {rollout.previewSelector ?? '-'}
        </Typography>
      )}
      {rollout.paused && !waiting && (
        <Typography variant="body2">
          Paused (
          {rollout.pauseConditions.map(p => p.reason).join(', ') ||
            'by a person'}
          ):
          <Countdown rollout={rollout} />
        </Typography>
      )}
      <RolloutActions rollout={rollout} onDone={onChange} />
      {latest && <AnalysisTable run={latest} />}
    </Box>
  );
}
