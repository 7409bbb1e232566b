import {
  counterSamples,
  type TestSeries,
} from '../../__testUtils__/prometheus';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/**
 * Checkout's requests up to `end` (unix seconds): always 10 req/s; errors at
 * 0.005/s, except a one-day incident 20 days before `end` (0.1/s) and a burn in the
 * last hour (0.1/s, then 0.2/s for the last 30 minutes). Scraped every 5 minutes,
 * and every minute for the last 3 days so 5m windows work at any evaluation offset.
 */
export function checkoutErrorsPerSecond(end: number) {
  return (t: number) => {
    if (t > end - 30 * MIN) return 0.2;
    if (t > end - HOUR) return 0.1;
    if (t > end - 20 * DAY && t <= end - 19 * DAY) return 0.1;
    return 0.005;
  };
}

export function checkoutTraffic(end: number, days = 31): TestSeries[] {
  const errors = checkoutErrorsPerSecond(end);
  const series = (code: string, perSecond: (t: number) => number) => {
    const old = counterSamples({
      from: end - days * DAY,
      to: end - 3 * DAY,
      stepSeconds: 5 * MIN,
      perSecond,
    });
    const recent = counterSamples({
      from: end - 3 * DAY,
      to: end,
      stepSeconds: MIN,
      perSecond,
      initial: old[old.length - 1][1],
    });
    return {
      metric: 'http_requests_total',
      labels: { service: 'checkout', code },
      samples: [...old, ...recent.slice(1)],
    };
  };
  return [series('200', t => 10 - errors(t)), series('500', errors)];
}
