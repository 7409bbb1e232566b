import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EdgeFlagSet, EdgeKey, EdgeSnapshot } from './protocol';
import { hashSecret } from './server';
import { startStandaloneEdge } from './startEdge';

const SECRET = 'gfk_stream-client-secret';
const ref = 'component:default/checkout';
const key: EdgeKey = {
  id: 'k1',
  hash: hashSecret(SECRET),
  entityRef: ref,
  environment: 'staging',
};
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

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
    },
    metadata: { flagSetId: `${ref}#staging` },
  },
});

const snapshotOf = (set: EdgeFlagSet): EdgeSnapshot => ({
  revision: set.revision,
  sets: [set],
  keys: [key],
  usageBucketMinutes: 5,
  at: new Date().toISOString(),
});

/**
 * A control plane that speaks the change-stream protocol and lets the test script each
 * connection: `connections[n]` writes to the n-th stream the edge opens.
 */
async function scriptedControlPlane(
  connections: Array<(res: http.ServerResponse) => Promise<void>>,
) {
  let opened = 0;
  const server = http.createServer((req, res) => {
    if (!req.url?.endsWith('/flags/edge/v1/stream')) {
      res.writeHead(204).end();
      return;
    }
    const script = connections[opened++];
    if (!script) {
      res.writeHead(503).end('no more connections scripted');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    void script(res);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/gantry`,
    opened: () => opened,
    async stop() {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

describe('the change stream client', () => {
  it('resyncs in full after the stream is cut mid-event, ignores the half-sent event, and never goes back to an older revision', async () => {
    let releaseSecond!: () => void;
    const secondMayStart = new Promise<void>(r => {
      releaseSecond = r;
    });
    const cp = await scriptedControlPlane([
      // 1st connection: snapshot at revision 2, a change to 3, then the socket dies in
      // the middle of the event for revision 4
      async res => {
        res.write(
          `event: snapshot\ndata: ${JSON.stringify(
            snapshotOf(setAt(2, true)),
          )}\n\n`,
        );
        await sleep(100);
        res.write(`event: set\ndata: ${JSON.stringify(setAt(3, false))}\n\n`);
        await sleep(200);
        const half = JSON.stringify(setAt(4, true));
        res.write(`event: set\ndata: ${half.slice(0, half.length / 2)}`);
        await sleep(50);
        res.socket?.destroy();
      },
      // 2nd connection (after the test lets it): a lagging control-plane replica's
      // snapshot at revision 2, then a newer change at revision 5
      async res => {
        await secondMayStart;
        res.write(
          `event: snapshot\ndata: ${JSON.stringify(
            snapshotOf(setAt(2, true)),
          )}\n\n`,
        );
        await sleep(300);
        res.write(`event: set\ndata: ${JSON.stringify(setAt(5, true))}\n\n`);
      },
    ]);
    const edge = await startStandaloneEdge({
      controlPlaneUrl: cp.url,
      token: 'edge-token',
      port: 0,
      host: '127.0.0.1',
    });
    const evaluate = async () => {
      const res = await fetch(`${edge.url}/ofrep/v1/evaluate/flags/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}` },
        body: '{"context":{"targetingKey":"u"}}',
      });
      return { status: res.status, value: (await res.json()).value };
    };
    const health = async () => (await fetch(`${edge.url}/health`)).json();
    try {
      // revision 3 (off) is served
      await waitFor('revision 3', async () =>
        (await health()).revision === 3 ? true : undefined,
      );
      expect(await evaluate()).toEqual({ status: 200, value: false });

      // cut: the edge says so and keeps serving revision 3, not the half-sent revision 4
      const down = await waitFor('the edge to notice the cut', async () => {
        const h = await health();
        return h.connected === false && cp.opened() === 2 ? h : undefined;
      });
      expect(down).toMatchObject({
        status: 'disconnected',
        serving: true,
        revision: 3,
      });
      expect(down.reason).toMatch(/change stream is down/);
      expect(await evaluate()).toEqual({ status: 200, value: false });

      // reconnected to a lagging replica: its full snapshot (revision 2) does not take
      // the edge back; the newer change after it (revision 5) is served
      releaseSecond();
      await waitFor('reconnection', async () =>
        (await health()).connected ? true : undefined,
      );
      expect(await health()).toMatchObject({ status: 'ok', revision: 3 });
      expect(await evaluate()).toEqual({ status: 200, value: false });
      await waitFor('revision 5', async () =>
        (await health()).revision === 5 ? true : undefined,
      );
      expect(await evaluate()).toEqual({ status: 200, value: true });
      expect(cp.opened()).toBe(2);
    } finally {
      await edge.stop();
      await cp.stop();
    }
  });
});
