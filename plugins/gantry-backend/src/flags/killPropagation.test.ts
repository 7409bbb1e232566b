import { FlagdCore } from '@openfeature/flagd-core';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import {
  OpenFeature as WebOpenFeature,
  ProviderEvents,
} from '@openfeature/web-sdk';
import { createTestDatabases } from '../__testUtils__/databases';
import { booleanFlag } from './__fixtures__/flagSets';
import { startFlagsBackend } from './__testUtils__/flagsBackend';
import { percentile } from './__fixtures__/sseClient';
import { TestEventSource } from './__fixtures__/testEventSource';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const FLIPS = 50;
const FLAGD_POLL_MS = 250;
const context = { targetingKey: 'user-1' };
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Resolves with the time a condition first holds, re-checked whenever `onChange` fires. */
function when(
  check: () => boolean,
  onChange: (notify: () => void) => () => void,
  what: string,
): Promise<number> {
  const holds = new Promise<number>(resolve => {
    const stop = onChange(() => {
      if (!check()) return;
      stop();
      resolve(performance.now());
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not see the change within 5 s`)),
      5000,
    );
  });
  return Promise.race([holds, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * What a flagd instance does with an HTTP sync source: GET flags.json every 250 ms with
 * If-None-Match, load a 200 into its own evaluator, keep serving the old set on a 304.
 */
class FlagdPoller {
  private readonly core = new FlagdCore();
  private readonly listeners = new Set<() => void>();
  private etag?: string;
  private timer?: NodeJS.Timeout;
  statuses: number[] = [];

  constructor(private readonly url: string, private readonly secret: string) {}

  async start() {
    await this.poll();
    const loop = () => {
      this.timer = setTimeout(
        () => this.poll().finally(() => this.timer && loop()),
        FLAGD_POLL_MS,
      );
    };
    loop();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  value(key: string): boolean {
    return this.core.resolveBooleanEvaluation(key, true, context).value;
  }

  onChange = (notify: () => void) => {
    this.listeners.add(notify);
    return () => this.listeners.delete(notify);
  };

  private async poll() {
    const res = await fetch(this.url, {
      headers: {
        Authorization: `Bearer ${this.secret}`,
        ...(this.etag ? { 'If-None-Match': this.etag } : {}),
      },
    });
    this.statuses.push(res.status);
    if (res.status !== 200) return;
    this.etag = res.headers.get('etag') ?? undefined;
    this.core.setConfigurations(await res.text());
    this.listeners.forEach(l => l());
  }
}

/**
 * The kill switch end to end: one POST .../kill, and the time until each kind of client
 * serves the safe variant. Target: every client within 2 s.
 */
describe.each(databases.eachSupportedId())(
  'kill switch propagation on %s',
  databaseId => {
    const realEventSource = (globalThis as { EventSource?: unknown })
      .EventSource;
    beforeAll(() => {
      (globalThis as { EventSource?: unknown }).EventSource = TestEventSource;
    });
    afterAll(() => {
      (globalThis as { EventSource?: unknown }).EventSource = realEventSource;
    });

    it(`reaches the server SDK, the web SDK and a flagd poller within 2 s (p99 over ${FLIPS} flips)`, async () => {
      const gantry = await startFlagsBackend(await databases.init(databaseId));
      const on = { ...booleanFlag, defaultVariant: 'on' };
      await gantry.putFlag('payments', on, null);
      const secret = await gantry.newKey('kill-drill');
      const headers: Array<[string, string]> = [
        ['Authorization', `Bearer ${secret}`],
      ];

      // (a) a service: every evaluation is a remote OFREP call
      await ServerOpenFeature.setProviderAndWait(
        new OFREPProvider({ baseUrl: gantry.baseUrl, headers }),
      );
      const serverClient = ServerOpenFeature.getClient();
      // (b) a browser: cached bulk evaluation, refetched when the SSE stream says so
      await WebOpenFeature.setProviderAndWait(
        new OFREPWebProvider({
          baseUrl: gantry.baseUrl,
          headers,
          cacheMode: 'disabled',
        }),
        context,
      );
      const webClient = WebOpenFeature.getClient();
      expect(TestEventSource.opened).toHaveLength(1);
      // (c) a flagd instance at the edge
      const flagd = new FlagdPoller(gantry.flagdUrl('staging'), secret);
      await flagd.start();

      const webOnChange = (notify: () => void) => {
        webClient.addHandler(ProviderEvents.ConfigurationChanged, notify);
        return () =>
          webClient.removeHandler(ProviderEvents.ConfigurationChanged, notify);
      };
      /** Milliseconds from `t0` until each client serves `value`. */
      const propagation = async (t0: number, value: boolean) => {
        const web = when(
          () => webClient.getBooleanValue('payments', !value) === value,
          webOnChange,
          'the web SDK',
        );
        const edge = when(
          () => flagd.value('payments') === value,
          flagd.onChange,
          'the flagd poller',
        );
        const service = (async () => {
          const deadline = t0 + 5000;
          while (
            (await serverClient.getBooleanValue(
              'payments',
              !value,
              context,
            )) !== value
          ) {
            if (performance.now() > deadline)
              throw new Error(
                'the server SDK did not see the change within 5 s',
              );
          }
          return performance.now();
        })();
        const at = await Promise.all([service, web, edge]);
        return at.map(t => t - t0);
      };

      const seen = {
        server: [] as number[],
        web: [] as number[],
        flagd: [] as number[],
      };
      try {
        expect(
          await serverClient.getBooleanValue('payments', false, context),
        ).toBe(true);
        expect(webClient.getBooleanValue('payments', false)).toBe(true);
        expect(flagd.value('payments')).toBe(true);
        for (let i = 0; i < FLIPS; i++) {
          const t0 = performance.now();
          const [killed, [server, web, edge]] = await Promise.all([
            gantry.kill('payments'),
            propagation(t0, false),
          ]);
          seen.server.push(server);
          seen.web.push(web);
          seen.flagd.push(edge);
          // back on, and every client has it, before the next drill
          await Promise.all([
            gantry.restore('payments', killed),
            propagation(performance.now(), true),
          ]);
          // the next kill lands anywhere in the poller's cycle, as a real one would
          await sleep(Math.random() * FLAGD_POLL_MS);
        }
        // nothing changes now: the poller revalidates and gets 304s
        const polled = flagd.statuses.length;
        await sleep(1.5 * FLAGD_POLL_MS);
        expect(new Set(flagd.statuses.slice(polled))).toEqual(new Set([304]));
      } finally {
        flagd.stop();
        await ServerOpenFeature.close();
        await WebOpenFeature.close();
        TestEventSource.opened.length = 0;
      }

      const fmt = (v: number[]) =>
        `p50 ${percentile(v, 50).toFixed(0)} ms, p99 ${percentile(
          v,
          99,
        ).toFixed(0)} ms`;
      // eslint-disable-next-line no-console
      console.log(
        [
          `[${databaseId}] kill switch -> safe variant served (${FLIPS} flips):`,
          `  server SDK (OFREP per call):        ${fmt(seen.server)}`,
          `  web SDK (SSE -> bulk refetch):      ${fmt(seen.web)}`,
          `  flagd poller (sync source, ${FLAGD_POLL_MS} ms): ${fmt(
            seen.flagd,
          )}`,
        ].join('\n'),
      );
      for (const times of Object.values(seen)) {
        expect(times).toHaveLength(FLIPS);
        expect(percentile(times, 99)).toBeLessThanOrEqual(2000);
      }
    });
  },
);
