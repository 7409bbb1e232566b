import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readFixture } from '../__testUtils__/fixtures';
import { rolloutView } from './rolloutView';

/** Hand-written Rollouts, Experiments and AnalysisRuns in the states the CLI tells apart. */
const state = (file: string) =>
  parse(
    fs.readFileSync(
      path.join(__dirname, '__fixtures__', 'rollout-states', file),
      'utf8',
    ),
  );
const ours = (file: string) => readFixture('rollouts', file);

describe('rolloutView derives what `kubectl argo rollouts get rollout` shows', () => {
  it('derives the phase of a rollout from a controller before v1.0 (no status.phase)', () => {
    const aborted = rolloutView(
      'prod',
      state('aborted-before-v1/rollout.yaml'),
      [state('aborted-before-v1/analysisrun.yaml')],
    );
    // Aborted by a failed background analysis.
    expect(aborted).toMatchObject({
      phase: 'Degraded',
      message:
        'RolloutAborted: metric "error-ratio" assessed Failed due to failed (2) > failureLimit (1)',
      aborted: true,
      setWeight: 0,
      actualWeight: 0,
      canaryWeight: 0,
      stableRS: '59d88c99b',
    });
    // Pod labels that do not match the selector.
    expect(
      rolloutView('prod', state('invalid-spec/rollout.yaml'), []),
    ).toMatchObject({
      phase: 'Degraded',
      message:
        'InvalidSpec: The Rollout "checkout-next" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app.kubernetes.io/name":"checkout"}: `selector` does not match template `labels`',
    });
    expect(
      rolloutView('prod', state('canary/routed-deadline-exceeded.yaml'), []),
    ).toMatchObject({
      phase: 'Degraded',
      message:
        'ProgressDeadlineExceeded: ReplicaSet "checkout-web-5567b5445c" has timed out progressing.',
    });
  });

  it('shows set weight and actual weight apart', () => {
    const routed = state('canary/routed-deadline-exceeded.yaml');
    // The router reports 10 while the step asks for 10; make them differ as mid-shift.
    routed.status.currentStepIndex = 2;
    expect(rolloutView('prod', routed, [])).toMatchObject({
      setWeight: 30,
      actualWeight: 10,
      revision: '14',
    });
    // No weights in the status: the actual weight is the set weight.
    expect(
      rolloutView('prod', state('canary/routed-without-weights.yaml'), []),
    ).toMatchObject({ setWeight: 10, actualWeight: 10 });
  });

  it('shows 100 % for a canary without steps and 0 % once aborted', () => {
    const noSteps = ours('rollout-staging-paused-25.json');
    noSteps.spec.strategy.canary.steps = [];
    delete noSteps.status.canary;
    noSteps.status.pauseConditions = [];
    noSteps.status.controllerPause = false;
    expect(rolloutView('prod', noSteps, [])).toMatchObject({
      setWeight: 100,
      actualWeight: 100,
    });
    expect(
      rolloutView('prod', ours('rollout-production-aborted.json'), []),
    ).toMatchObject({ aborted: true, setWeight: 0, actualWeight: 0 });
  });

  it('says "waiting for the controller" instead of showing stale state as settled', () => {
    // metadata.generation 7, status.observedGeneration "5": the status predates the spec.
    const stale = rolloutView(
      'prod',
      ours('rollout-bluegreen-paused.json'),
      [],
    );
    expect(stale).toMatchObject({
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
      waitingForController: 'waiting for rollout spec update to be observed',
    });
    // Right after a promote: pause conditions cleared, the controller still holds the pause.
    const promoted = ours('rollout-staging-paused-25.json');
    promoted.status.pauseConditions = null;
    expect(rolloutView('prod', promoted, [])).toMatchObject({
      phase: 'Progressing',
      waitingForController: 'waiting for rollout to unpause',
    });
    // Once observed, the controller's own phase is shown again.
    const settled = ours('rollout-staging-paused-25.json');
    expect(rolloutView('prod', settled, [])).toMatchObject({
      phase: 'Paused',
      message: 'CanaryPauseStep',
    });
    expect(rolloutView('prod', settled, [])).not.toHaveProperty(
      'waitingForController',
    );
  });

  it('shows the AnalysisRuns an Experiment step started, naming the experiment', () => {
    const view = rolloutView(
      'prod',
      state('experiment-step/rollout.yaml'),
      [state('experiment-step/analysisrun.yaml')],
      [state('experiment-step/experiment.yaml')],
    );
    expect(view.analysisRuns).toEqual([
      expect.objectContaining({
        name: 'cart-c5bfd9dd5-4-0-load-test',
        phase: 'Running',
        experiment: 'cart-c5bfd9dd5-4-0',
      }),
    ]);
    expect(view).toMatchObject({
      phase: 'Progressing',
      message: 'more replicas need to be updated',
      setWeight: 0,
    });
    // Without the Experiment the run is not the Rollout's.
    expect(
      rolloutView('prod', state('experiment-step/rollout.yaml'), [
        state('experiment-step/analysisrun.yaml'),
      ]).analysisRuns,
    ).toEqual([]);
  });
});
