import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgeState } from './EdgeState';
import { WindowLimiter } from './limits';
import type { EdgeFlagSet, EdgeKey } from './protocol';
import {
  createEdgeServer,
  hashSecret,
  streamTokenOf,
  type EdgeServerOptions,
} from './server';
import { UsageAggregator } from './usage';

const SECRET = 'gfk_test-secret-one';
const OTHER = 'gfk_test-secret-two';
const ref = 'component:default/checkout';
const key: EdgeKey = {
  id: 'k1',
  hash: hashSecret(SECRET),
  entityRef: ref,
  environment: 'staging',
};
const other: EdgeKey = { ...key, id: 'k2', hash: hashSecret(OTHER) };

const setAt = (revision: number, on: boolean): EdgeFlagSet => ({
  entityRef: ref,
  environment: 'staging',
  revision,
  doc: {
    flags: {
      payments: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: on ? 'on' : 'off',
      },
      split: {
        state: 'ENABLED',
        variants: { a: 'a', b: 'b' },
        defaultVariant: 'a',
        targeting: {
          fractional: [
            ['a', 50],
            ['b', 50],
          ],
        },
      },
    },
    metadata: { flagSetId: `${ref}#staging` },
  },
});

async function start(opts: EdgeServerOptions = {}, state = new EdgeState()) {
  const usage = new UsageAggregator(() => 5);
  const edge = createEdgeServer(state, usage, opts);
  const server = http.createServer(edge.handler);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    usage,
    edge,
    async stop() {
      edge.close();
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

const live = (state: EdgeState, on = true) => {
  state.apply({
    type: 'snapshot',
    snapshot: {
      revision: 1,
      sets: [setAt(1, on)],
      keys: [key, other],
      usageBucketMinutes: 5,
      at: new Date().toISOString(),
    },
  });
  state.connected = true;
  return state;
};

const post = (url: string, body: string, secret = SECRET, headers = {}) =>
  fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
      ...headers,
    },
    body,
  });

/** Reads an SSE response until `done(text)` holds or the stream ends; returns what came and whether it ended. */
async function readStream(
  res: Response,
  done: (text: string) => boolean,
  ms = 2000,
): Promise<{ text: string; ended: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<undefined>(r => setTimeout(r, deadline - Date.now())),
    ]);
    if (!chunk) break;
    if (chunk.done) return { text, ended: true };
    text += decoder.decode(chunk.value);
    if (done(text)) {
      await reader.cancel();
      return { text, ended: false };
    }
  }
  await reader.cancel();
  return { text, ended: false };
}

describe('the edge server', () => {
  it('serves OFREP single and bulk evaluation with ETag/304, and the flagd sync source', async () => {
    const e = await start();
    live(e.state);
    try {
      const one = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        JSON.stringify({ context: { targetingKey: 'u1' } }),
      );
      expect(one.status).toBe(200);
      expect(await one.json()).toMatchObject({
        key: 'payments',
        value: true,
        variant: 'on',
        reason: 'STATIC',
      });
      const missing = await post(`${e.url}/ofrep/v1/evaluate/flags/nope`, '{}');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({
        errorCode: 'FLAG_NOT_FOUND',
      });

      const body = JSON.stringify({ context: { targetingKey: 'u1' } });
      const bulk = await post(`${e.url}/ofrep/v1/evaluate/flags`, body);
      const etag = bulk.headers.get('etag')!;
      const json = await bulk.json();
      expect(json.flags.map((f: { key: string }) => f.key).sort()).toEqual([
        'payments',
        'split',
      ]);
      expect(json.eventStreams[0].url).toBe(
        `${e.url}/ofrep/v1/events/${streamTokenOf(key)}`,
      );
      const again = await post(
        `${e.url}/ofrep/v1/evaluate/flags`,
        body,
        SECRET,
        {
          'if-none-match': etag,
        },
      );
      expect(again.status).toBe(304);
      // another context is another answer
      const otherCtx = await post(
        `${e.url}/ofrep/v1/evaluate/flags`,
        JSON.stringify({ context: { targetingKey: 'u2' } }),
        SECRET,
        { 'if-none-match': etag },
      );
      expect(otherCtx.status).toBe(200);

      const syncUrl = `${e.url}/flagd/v1/entities/default/component/checkout/staging/flags.json`;
      const sync = await fetch(syncUrl, {
        headers: { authorization: `Bearer ${SECRET}` },
      });
      expect(sync.status).toBe(200);
      expect((await sync.json()).flags.payments.defaultVariant).toBe('on');
      const unchanged = await fetch(syncUrl, {
        headers: {
          authorization: `Bearer ${SECRET}`,
          'if-none-match': sync.headers.get('etag')!,
        },
      });
      expect(unchanged.status).toBe(304);
      const wrongSet = await fetch(
        `${e.url}/flagd/v1/entities/default/component/payments/staging/flags.json`,
        { headers: { authorization: `Bearer ${SECRET}` } },
      );
      expect(wrongSet.status).toBe(403);

      // counted in memory for the next batch
      const batch = e.usage.drain();
      expect(batch.keysUsed.map(k => k.id)).toEqual(['k1']);
      expect(
        batch.counts.find(c => c.key === 'payments' && c.variant === 'on')
          ?.count,
      ).toBe(3);
    } finally {
      await e.stop();
    }
  });

  it('never moves a flag set back to an older revision', async () => {
    const state = live(new EdgeState(), true);
    state.apply({ type: 'set', set: setAt(5, false) });
    state.apply({ type: 'set', set: setAt(4, true) }); // a lagging control-plane replica
    expect(state.set(ref, 'staging')?.doc.flags.payments.defaultVariant).toBe(
      'off',
    );
    state.apply({
      type: 'snapshot',
      snapshot: {
        revision: 3,
        sets: [setAt(3, true)],
        keys: [key],
        usageBucketMinutes: 5,
        at: new Date().toISOString(),
      },
    });
    expect(state.set(ref, 'staging')?.doc.flags.payments.defaultVariant).toBe(
      'off',
    );
    expect(state.revision).toBe(5);
  });

  it('rate-limits missing and unknown keys per address, with bounded memory, without slowing valid keys', async () => {
    const e = await start({ unknownKeyRateLimitPerSecond: 5 });
    live(e.state);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(
          (
            await post(
              `${e.url}/ofrep/v1/evaluate/flags/payments`,
              '{}',
              `gfk_guess-${i}`,
            )
          ).status,
        );
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      const limited = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        '{}',
        'gfk_x',
      );
      expect(limited.headers.get('retry-after')).toBe('1');
      expect((await limited.json()).errorDetails).toMatch(
        /unknown or revoked key/,
      );
      // the valid key goes on
      expect(
        (await post(`${e.url}/ofrep/v1/evaluate/flags/payments`, '{}')).status,
      ).toBe(200);
    } finally {
      await e.stop();
    }

    const limiter = new WindowLimiter(3, 100, () => 1000);
    for (let i = 0; i < 10_000; i++) limiter.take(`addr-${i}`);
    expect(limiter.trackedIds).toBe(100);
    // ids beyond the bound share one overflow window, which is limited too
    expect(limiter.take('addr-new')).toBe(1);
  });

  it('answers a deeply nested or oversized body with a 4xx in OFREP format, not a 500', async () => {
    const e = await start({ maxBodyBytes: 4096 });
    live(e.state);
    try {
      const deep = `{"context":{"targetingKey":"u","x":${'['.repeat(
        3000,
      )}${']'.repeat(3000)}}}`;
      const nested = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        deep.slice(0, 4000),
      );
      expect(nested.status).toBe(400);
      expect(await nested.json()).toMatchObject({
        key: 'payments',
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringMatching(/nests deeper than 32 levels/),
      });
      const bulk = await post(
        `${e.url}/ofrep/v1/evaluate/flags`,
        deep.slice(0, 4000),
      );
      expect(bulk.status).toBe(400);
      const big = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        JSON.stringify({
          context: { targetingKey: 'u', pad: 'x'.repeat(5000) },
        }),
      );
      expect(big.status).toBe(413);
      const bad = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        '{"context":',
      );
      expect(bad.status).toBe(400);
      expect((await bad.json()).errorDetails).toMatch(/not valid JSON/);
      // brackets inside strings are not nesting
      const text = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        JSON.stringify({ context: { targetingKey: '['.repeat(100) } }),
      );
      expect(text.status).toBe(200);
    } finally {
      await e.stop();
    }
  });

  it('caps SSE streams per key, tells open streams to refetch, and closes a revoked key’s streams at once', async () => {
    const e = await start({ maxStreamsPerKey: 2 });
    live(e.state);
    const token = streamTokenOf(key);
    const open = () => fetch(`${e.url}/ofrep/v1/events/${token}`);
    try {
      const s1 = await open();
      const s2 = await open();
      expect([s1.status, s2.status]).toEqual([200, 200]);
      const s3 = await open();
      expect(s3.status).toBe(429);
      expect((await s3.json()).errorDetails).toMatch(
        /already holds 2 open event streams/,
      );
      // another key has its own allowance
      const o1 = await fetch(
        `${e.url}/ofrep/v1/events/${streamTokenOf(other)}`,
      );
      expect(o1.status).toBe(200);
      expect(e.edge.streamCount()).toBe(3);

      const refetch = readStream(s1, t => t.includes('refetchEvaluation'));
      e.state.apply({ type: 'set', set: setAt(2, false) });
      expect((await refetch).text).toMatch(/"type":"refetchEvaluation"/);

      const t0 = Date.now();
      const ended = readStream(s2, () => false, 3000);
      e.state.apply({
        type: 'keys',
        keys: [{ ...key, revokedAt: '2026-12-03T12:00:00.000Z' }, other],
      });
      const r = await ended;
      expect(r.ended).toBe(true);
      expect(Date.now() - t0).toBeLessThan(500);
      // the other key's stream stays open
      expect(e.edge.streamCount()).toBe(1);
      const after = await open();
      expect(after.status).toBe(403);
      await o1.body?.cancel();
    } finally {
      await e.stop();
    }
  });

  it('past the staleness limit refuses with GENERAL and a reason (fail-closed), or serves the last snapshot (fail-open)', async () => {
    let now = 1_000_000;
    const stateOf = () => {
      const s = new EdgeState(() => now);
      live(s);
      s.connected = false; // the stream broke at `now`
      return s;
    };
    const closed = await start(
      { staleAfterMs: 5000, staleMode: 'fail-closed', now: () => now },
      stateOf(),
    );
    const open = await start(
      { staleAfterMs: 5000, staleMode: 'fail-open', now: () => now },
      stateOf(),
    );
    try {
      now += 4000; // within the limit: both serve
      for (const e of [closed, open])
        expect(
          (await post(`${e.url}/ofrep/v1/evaluate/flags/payments`, '{}'))
            .status,
        ).toBe(200);
      expect(await (await fetch(`${closed.url}/health`)).json()).toMatchObject({
        status: 'disconnected',
        stale: false,
      });

      now += 2000; // 6 s without the control plane
      const refused = await post(
        `${closed.url}/ofrep/v1/evaluate/flags/payments`,
        '{}',
      );
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({
        key: 'payments',
        errorCode: 'GENERAL',
        errorDetails: expect.stringMatching(
          /No word from the control plane for 6 s \(limit 5 s\); refusing to evaluate/,
        ),
      });
      const bulk = await post(`${closed.url}/ofrep/v1/evaluate/flags`, '{}');
      expect(bulk.status).toBe(503);
      const health = await fetch(`${closed.url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        status: 'stale',
        stale: true,
        serving: false,
      });

      const served = await post(
        `${open.url}/ofrep/v1/evaluate/flags/payments`,
        '{}',
      );
      expect(served.status).toBe(200);
      expect(await served.json()).toMatchObject({ value: true });
      const openHealth = await fetch(`${open.url}/health`);
      expect(openHealth.status).toBe(200);
      expect(await openHealth.json()).toMatchObject({
        status: 'stale',
        stale: true,
        serving: true,
        reason: expect.stringMatching(/serving the last snapshot/),
      });

      // a stream that is open but silent (the control plane cannot read its database,
      // so it sends no pings) does not make the data fresh
      closed.state.connected = true;
      expect(
        (await post(`${closed.url}/ofrep/v1/evaluate/flags/payments`, '{}'))
          .status,
      ).toBe(503);
      // a ping: fresh again
      closed.state.apply({ type: 'ping' });
      expect(
        (await post(`${closed.url}/ofrep/v1/evaluate/flags/payments`, '{}'))
          .status,
      ).toBe(200);
    } finally {
      await closed.stop();
      await open.stop();
    }
  });

  it('reports a control plane that cannot read its database, and does not count that word as contact', async () => {
    let now = 1_000_000;
    const state = live(new EdgeState(() => now));
    const e = await start(
      { staleAfterMs: 5000, staleMode: 'fail-closed', now: () => now },
      state,
    );
    try {
      const since = new Date(now).toISOString();
      const down = () => {
        now += 1000;
        state.apply({ type: 'status', database: 'down', since });
      };
      for (let i = 0; i < 3; i++) down();
      expect(await (await fetch(`${e.url}/health`)).json()).toMatchObject({
        status: 'degraded',
        serving: true,
        controlPlane: { database: 'down', since },
        reason: expect.stringMatching(
          /cannot read its database .* serving it until the database is back or the staleness limit \(5 s\) passes/,
        ),
      });
      for (let i = 0; i < 3; i++) down();
      // 6 s of "database down" and no ping: stale, refused
      const refused = await post(
        `${e.url}/ofrep/v1/evaluate/flags/payments`,
        '{}',
      );
      expect(refused.status).toBe(503);
      expect((await (await fetch(`${e.url}/health`)).json()).status).toBe(
        'stale',
      );
      state.apply({ type: 'ping' });
      expect(await (await fetch(`${e.url}/health`)).json()).toMatchObject({
        status: 'ok',
        controlPlane: { database: 'ok' },
      });
    } finally {
      await e.stop();
    }
  });

  it('refuses to evaluate before it has any data, and says why', async () => {
    const e = await start();
    e.state.apply({ type: 'keys', keys: [key] });
    try {
      const r = await post(`${e.url}/ofrep/v1/evaluate/flags/payments`, '{}');
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({
        errorCode: 'GENERAL',
        errorDetails: expect.stringMatching(/no flag data yet/),
      });
      const h = await fetch(`${e.url}/health`);
      expect(h.status).toBe(503);
      expect(await h.json()).toMatchObject({ status: 'starting' });
    } finally {
      await e.stop();
    }
  });
});
