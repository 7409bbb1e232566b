import { ResponseError } from '@backstage/errors';
import { GantryClient } from './GantryClient';

const ref = { kind: 'Component', namespace: 'default', name: 'checkout' };

function clientAnswering(status: number, body: unknown) {
  return new GantryClient({
    discoveryApi: { getBaseUrl: async () => 'http://gantry.test/api/gantry' },
    fetchApi: {
      fetch: async () =>
        new Response(JSON.stringify(body), {
          status,
          statusText: 'Bad Request',
          headers: { 'Content-Type': 'application/json' },
        }),
    },
  });
}

describe('GantryClient errors', () => {
  it("carries the backend's message, so a dialog can say what to fix", async () => {
    const message =
      "Saving the flag 'new-checkout' would leave the flag set of staging invalid: prerequisites form a cycle.";
    const client = clientAnswering(400, {
      error: { name: 'InputError', message },
      response: { statusCode: 400 },
    });
    const error = await client.listFlags(ref).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toBe(message);
    expect(error.statusCode).toBe(400);
  });

  it('keeps the status text when the body has no message', async () => {
    const error = await clientAnswering(502, 'upstream down')
      .listFlags(ref)
      .catch(e => e);
    expect(error.message).toMatch(/^Request failed with status 502/);
  });
});
