import { ConfigReader } from '@backstage/config';
import { readDrDrillConfig } from './drDrillConfig';
import { readLoadTestConfig } from './loadTestConfig';

const config = (compliance: object) =>
  new ConfigReader({ gantry: { compliance } });
const ENVS = ['staging', 'production'];

describe('load-test and dr-drill settings', () => {
  it('reads thresholds per environment, with 10 % regressions allowed by default', () => {
    expect(
      readLoadTestConfig(
        config({ loadTest: { thresholds: { production: { p95Ms: 300 } } } }),
        ENVS,
      ),
    ).toEqual({
      thresholds: { production: { p95Ms: 300 } },
      maxRegressionPercent: { p95: 10, throughput: 10 },
    });
    expect(readDrDrillConfig(config({}))).toEqual({
      maxAgeDays: 90,
      maxRtoSeconds: undefined,
    });
  });

  it('stops startup on an unknown environment or an impossible value, naming the key', () => {
    expect(() =>
      readLoadTestConfig(
        config({ loadTest: { thresholds: { prod: { p95Ms: 300 } } } }),
        ENVS,
      ),
    ).toThrow(
      'gantry.compliance.loadTest.thresholds.prod is not a configured environment; use one of staging, production',
    );
    expect(() =>
      readLoadTestConfig(
        config({ loadTest: { thresholds: { production: { errorRate: 5 } } } }),
        ENVS,
      ),
    ).toThrow(
      'gantry.compliance.loadTest.thresholds.production.errorRate is 5; give a fraction from 0 to 1',
    );
    expect(() =>
      readLoadTestConfig(
        config({ loadTest: { maxRegressionPercent: { p95: -1 } } }),
        ENVS,
      ),
    ).toThrow('gantry.compliance.loadTest.maxRegressionPercent.p95 is -1');
    expect(() =>
      readDrDrillConfig(config({ drDrill: { maxAgeDays: 0.5 } })),
    ).toThrow(
      'gantry.compliance.drDrill.maxAgeDays is 0.5; give whole days ≥ 1',
    );
  });
});
