import { FlagdCore } from '@openfeature/flagd-core';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import {
  OpenFeature,
  ProviderEvents,
  ProviderStatus,
  type Client,
  type EvaluationContext,
  type EventHandler,
} from '@openfeature/web-sdk';
import { booleanFlag, checkoutSet } from './__fixtures__/flagSets';
import { startFlagsBackend } from './__testUtils__/flagsBackend';
import { TestEventSource } from './__fixtures__/testEventSource';

jest.setTimeout(60_000);

/** One HTTP exchange the provider made, seen through its fetchImplementation. */
interface Exchange {
  url: string;
  status: number;
  ifNoneMatch: string | null;
  etag: string | null;
}

/** fetch that records what the provider sends and what Gantry answers. */
function recordingFetch(log: Exchange[]) {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const res = await fetch(req);
    log.push({
      url: req.url,
      status: res.status,
      ifNoneMatch: req.headers.get('if-none-match'),
      etag: res.headers.get('etag'),
    });
    return res;
  };
}

function nextChange(client: Client): Promise<string[]> {
  return new Promise(resolve => {
    const handler: EventHandler<
      ProviderEvents.ConfigurationChanged
    > = details => {
      client.removeHandler(ProviderEvents.ConfigurationChanged, handler);
      resolve(details?.flagsChanged ?? []);
    };
    client.addHandler(ProviderEvents.ConfigurationChanged, handler);
  });
}

const pro: EvaluationContext = {
  targetingKey: 'user-1',
  tenant: 'acme',
  appVersion: '2.1.0',
  plan: 'pro',
};

/**
 * A browser application using the OpenFeature web SDK with the OFREP web provider: it
 * fetches every flag once per context (bulk evaluation), answers from that cache, and
 * refetches when Gantry's SSE stream says the flag set changed.
 */
describe('an OpenFeature web SDK application', () => {
  let gantry: Awaited<ReturnType<typeof startFlagsBackend>>;
  let secret: string;
  const realEventSource = (globalThis as { EventSource?: unknown }).EventSource;

  beforeAll(async () => {
    (globalThis as { EventSource?: unknown }).EventSource = TestEventSource;
    gantry = await startFlagsBackend();
    await gantry.putSegment(
      'beta-tenants',
      checkoutSet.$evaluators!['beta-tenants'],
    );
    for (const [key, definition] of Object.entries(checkoutSet.flags))
      await gantry.putFlag(key, definition, null);
    await gantry.putFlag(
      'max-items',
      {
        state: 'ENABLED',
        variants: { small: 10, large: 50 },
        defaultVariant: 'small',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'large'] },
      },
      null,
    );
    await gantry.putFlag(
      'checkout-copy',
      {
        state: 'ENABLED',
        variants: {
          plain: { title: 'Pay', steps: 3 },
          express: { title: 'Pay now', steps: 1 },
        },
        defaultVariant: 'plain',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'express'] },
      },
      null,
    );
    await gantry.putFlag(
      'old-banner',
      { ...booleanFlag, state: 'DISABLED' },
      null,
    );
    secret = await gantry.newKey('web');
  });

  afterEach(async () => {
    await OpenFeature.close();
    TestEventSource.opened.length = 0;
  });

  afterAll(() => {
    (globalThis as { EventSource?: unknown }).EventSource = realEventSource;
  });

  const provider = (
    log: Exchange[],
    options: Partial<ConstructorParameters<typeof OFREPWebProvider>[0]> = {},
  ) =>
    new OFREPWebProvider({
      baseUrl: gantry.baseUrl,
      headers: [['Authorization', `Bearer ${secret}`]],
      // no localStorage under Node, and every test starts from the network
      cacheMode: 'disabled',
      fetchImplementation: recordingFetch(log),
      ...options,
    });

  it('evaluates typed flags for the static context and re-evaluates when it changes', async () => {
    const log: Exchange[] = [];
    await OpenFeature.setProviderAndWait('app', provider(log), pro);
    const client = OpenFeature.getClient('app');

    expect(client.getBooleanDetails('new-checkout', false)).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(client.getStringValue('checkout-theme', 'none')).toBe('dark');
    expect(client.getNumberDetails('max-items', 0)).toMatchObject({
      value: 50,
      variant: 'large',
    });
    expect(client.getObjectValue('checkout-copy', {})).toEqual({
      title: 'Pay now',
      steps: 1,
    });

    await OpenFeature.setContext('app', {
      targetingKey: 'user-2',
      tenant: 'initech',
      appVersion: '1.9.0',
      plan: 'free',
    });
    expect(client.getStringValue('checkout-theme', 'none')).toBe('classic');
    expect(client.getNumberValue('max-items', 0)).toBe(10);
    expect(client.getObjectValue('checkout-copy', {})).toEqual({
      title: 'Pay',
      steps: 3,
    });
    // one bulk request per context, evaluations answered from the cache
    expect(log.map(e => [new URL(e.url).pathname, e.status])).toEqual([
      ['/api/gantry/ofrep/v1/evaluate/flags', 200],
      ['/api/gantry/ofrep/v1/evaluate/flags', 200],
    ]);

    // the 5 % split outside the beta segment: what the browser gets is what flagd
    // itself computes from the sync source's copy of the flag set
    const core = new FlagdCore();
    core.setConfigurations(
      await (
        await fetch(gantry.flagdUrl('staging'), {
          headers: { Authorization: `Bearer ${secret}` },
        })
      ).text(),
    );
    const seen = new Set<boolean>();
    for (let i = 0; i < 40; i++) {
      const context = { targetingKey: `visitor-${i}`, tenant: 'initech' };
      await OpenFeature.setContext('app', context);
      const value = client.getBooleanValue('new-checkout', false);
      expect(value).toBe(
        core.resolveBooleanEvaluation('new-checkout', false, context).value,
      );
      seen.add(value);
    }
    expect(seen).toEqual(new Set([true, false]));
  });

  it('reports disabled and missing flags and type mismatches; a split without a targeting key serves the default, as flagd', async () => {
    await OpenFeature.setProviderAndWait('app', provider([]), pro);
    const client = OpenFeature.getClient('app');

    // DISABLED: the application's own default, and no error
    const disabled = client.getBooleanDetails('old-banner', true);
    expect(disabled).toMatchObject({ value: true, reason: 'DISABLED' });
    expect(disabled.errorCode).toBeUndefined();

    expect(client.getBooleanDetails('no-such-flag', false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(client.getStringDetails('new-checkout', 'x')).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });

    // without a targetingKey flagd picks no bucket: the flag's defaultVariant, reason DEFAULT
    await OpenFeature.setContext('app', { tenant: 'initech' });
    const noKey = client.getBooleanDetails('new-checkout', true);
    expect(noKey).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DEFAULT',
    });
    expect(noKey.errorCode).toBeUndefined();
    expect(client.getStringValue('checkout-theme', 'none')).toBe('classic');
  });

  it('fails the provider for a key Gantry does not know (401)', async () => {
    const log: Exchange[] = [];
    await expect(
      OpenFeature.setProviderAndWait(
        'app',
        provider(log, { headers: [['Authorization', 'Bearer gfk_wrong']] }),
        pro,
      ),
    ).rejects.toThrow();
    expect(log.map(e => e.status)).toEqual([401]);
    const client = OpenFeature.getClient('app');
    expect(client.providerStatus).toBe(ProviderStatus.FATAL);
    expect(client.getBooleanDetails('new-checkout', false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'PROVIDER_FATAL',
    });
  });

  it('polls with If-None-Match, gets 304 while nothing changes and the new value after a change', async () => {
    const log: Exchange[] = [];
    await OpenFeature.setProviderAndWait(
      'app',
      provider(log, { changeDetection: 'polling', pollInterval: 100 }),
      pro,
    );
    const client = OpenFeature.getClient('app');
    await new Promise(r => setTimeout(r, 450));
    const [first, ...polls] = log;
    expect(first).toMatchObject({ status: 200, ifNoneMatch: null });
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls).toEqual(
      polls.map(() =>
        expect.objectContaining({ status: 304, ifNoneMatch: first.etag }),
      ),
    );
    expect(TestEventSource.opened).toHaveLength(0);

    const changed = nextChange(client);
    await gantry.putFlag(
      'max-items',
      {
        state: 'ENABLED',
        variants: { small: 10, large: 50, huge: 100 },
        defaultVariant: 'small',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'huge'] },
      },
      1,
    );
    expect(await changed).toEqual(['max-items']);
    expect(client.getNumberValue('max-items', 0)).toBe(100);
    const refetch = log.find(e => e.status === 200 && e !== first)!;
    expect(refetch.ifNoneMatch).toBe(first.etag);
    expect(refetch.etag).not.toBe(first.etag);
  });

  it('refetches when the SSE stream says the flag set changed, without polling', async () => {
    const log: Exchange[] = [];
    await OpenFeature.setProviderAndWait('app', provider(log), pro);
    const client = OpenFeature.getClient('app');
    expect(TestEventSource.opened).toHaveLength(1);
    expect(TestEventSource.opened[0].url).toMatch(
      /\/api\/gantry\/ofrep\/v1\/events\/[\w-]+\.[\w-]+$/,
    );
    await new Promise(r => setTimeout(r, 300));
    expect(log).toHaveLength(1);
    expect(client.getStringValue('checkout-theme', 'none')).toBe('dark');

    const changed = nextChange(client);
    const t0 = performance.now();
    await gantry.putFlag(
      'checkout-theme',
      {
        ...checkoutSet.flags['checkout-theme'],
        variants: { classic: 'classic', dark: 'midnight' },
      },
      1,
    );
    expect(await changed).toEqual(['checkout-theme']);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(client.getStringValue('checkout-theme', 'none')).toBe('midnight');
    const [first, refetch] = log;
    expect(log).toHaveLength(2);
    // the event names the new flag-set tag; the provider passes it on and revalidates
    expect(new URL(refetch.url).searchParams.get('flagConfigEtag')).toMatch(
      /^"[\w-]+"$/,
    );
    expect(refetch).toMatchObject({ status: 200, ifNoneMatch: first.etag });
  });
});
