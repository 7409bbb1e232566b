import { InputError, ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import {
  databaseUnavailableHandler,
  isDatabaseUnavailable,
} from './databaseUnavailable';

/** Errors shaped as pg, net and knex raise them when PostgreSQL is away. */
function refused() {
  return Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '10.1.2.3',
    port: 5432,
  });
}
const shuttingDown = () =>
  Object.assign(
    new Error('terminating connection due to administrator command'),
    { code: '57P01', severity: 'FATAL' },
  );
const acquireTimeout = () => {
  const e = new Error(
    'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?',
  );
  e.name = 'KnexTimeoutError';
  return e;
};

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', refused()],
    ['a server shutting down', shuttingDown()],
    ['a pool that could not connect in time', acquireTimeout()],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['one wrapped as a cause', new Error('store failed', { cause: refused() })],
  ])('recognises %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a bad request', new InputError('version: invalid')],
    [
      'a constraint violation',
      Object.assign(new Error('duplicate key value'), { code: '23505' }),
    ],
    // Argo CD, Kubernetes or Prometheus refusing: their clients already answer 503 naming them
    [
      'an upstream HTTP client failure',
      new ServiceUnavailableError('Argo CD main is unreachable', {
        name: 'TypeError',
        message: 'fetch failed',
        cause: refused(),
      } as Error),
    ],
    [
      'a raw fetch failure',
      Object.assign(new TypeError('fetch failed'), { cause: refused() }),
    ],
  ])('leaves %s alone', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('databaseUnavailableHandler', () => {
  function app(error: Error) {
    const a = express();
    a.all('/*', () => {
      throw error;
    });
    a.use(databaseUnavailableHandler());
    a.use(
      (
        e: Error,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.status(500).json({ error: { message: e.message } });
      },
    );
    return a;
  }

  it('answers a write 503 with Retry-After, saying it was not applied and naming no host', async () => {
    const res = await request(app(refused())).post('/flags/staging/x');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/change was not applied/),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/10\.1\.2\.3|5432|ECONN/);
  });

  it('tells a reader nothing could be read', async () => {
    const res = await request(app(shuttingDown())).get('/releases');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/could not be read/);
  });

  it('keeps OFREP in its own error format', async () => {
    const res = await request(app(acquireTimeout())).post(
      '/ofrep/v1/evaluate/flags/new-checkout-flow',
    );
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({
      errorCode: 'GENERAL',
      errorDetails: expect.stringMatching(/database is unavailable/),
    });
  });

  it('passes every other error on unchanged', async () => {
    const res = await request(app(new Error('boom'))).get('/x');
    expect(res.status).toBe(500);
    expect(res.body.error.message).toBe('boom');
  });
});
