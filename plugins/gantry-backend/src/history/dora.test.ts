import { HISTORY } from './__fixtures__/doraHistory';
import { computeDora, periodWindows, trendBuckets } from './dora';

describe('computeDora', () => {
  it('gives the hand-computed figures for a 10-day window', () => {
    expect(
      computeDora(
        HISTORY,
        '2026-11-01T00:00:00.000Z',
        '2026-11-11T00:00:00.000Z',
      ),
    ).toEqual({
      deployments: 7,
      deploymentFrequency: 0.4, // A, C, D, E succeeded over 10 days
      leadTimeSeconds: 7800, // median of 7800, 2100, 16200
      changeFailureRate: 0.5, // B, D (rolled back), F of 6 finished
      timeToRestoreSeconds: 5520, // median of 2700, 5520, 345300
      deploymentDurationSeconds: 600, // median of 600, 300, 1800
      rollbackDurationSeconds: 120,
      successWithoutInterventionRate: 0.5, // A, D, E of 6 finished
    });
  });

  it('reports null rather than zero when there is nothing to measure', () => {
    expect(
      computeDora(
        HISTORY,
        '2026-10-01T00:00:00.000Z',
        '2026-10-11T00:00:00.000Z',
      ),
    ).toEqual({
      deployments: 0,
      deploymentFrequency: 0,
      leadTimeSeconds: null,
      changeFailureRate: null,
      timeToRestoreSeconds: null,
      deploymentDurationSeconds: null,
      rollbackDurationSeconds: null,
      successWithoutInterventionRate: null,
    });
  });

  it('leaves a failure unrestored while nothing has succeeded since', () => {
    const figures = computeDora(
      HISTORY.slice(0, 7),
      '2026-11-08T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
    );
    expect(figures.changeFailureRate).toBe(1);
    expect(figures.timeToRestoreSeconds).toBeNull();
  });
});

describe('periods', () => {
  it('splits each period into its trend buckets without gaps', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const w = periodWindows('30d', now);
    expect(w).toEqual({
      from: '2026-10-27T12:00:00.000Z',
      to: '2026-11-26T12:00:00.000Z',
      previousFrom: '2026-09-27T12:00:00.000Z',
    });
    const buckets = trendBuckets('30d', w.from, w.to);
    expect(buckets).toHaveLength(10);
    expect(buckets[0].from).toBe(w.from);
    expect(buckets[9].to).toBe(w.to);
    buckets.slice(1).forEach((b, i) => expect(b.from).toBe(buckets[i].to));
    expect(
      trendBuckets(
        '365d',
        ...(Object.values(periodWindows('365d', now)).slice(0, 2) as [
          string,
          string,
        ]),
      ),
    ).toHaveLength(12);
  });
});
