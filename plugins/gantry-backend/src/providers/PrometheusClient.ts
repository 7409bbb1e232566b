import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  MetricsRange,
  MetricsSeries,
  MetricsSource,
} from '@gantry/plugin-gantry-node';

interface PrometheusConfig {
  /** Base URL of the Prometheus HTTP API, e.g. http://prometheus:9090 (no /api/v1). */
  url: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Sent with every request (Authorization, Mimir's X-Scope-OrgID…); default none. */
  headers?: Record<string, string>;
  /** What to check when it does not answer; default: gantry.prometheus.baseUrl. */
  checkHint?: string;
}

/** One series of an instant vector: labels and the value at the query time. */
interface InstantSample {
  metric: Record<string, string>;
  /** Unix seconds. */
  timestamp: number;
  /** Parsed float; NaN, +Inf and -Inf come through as such. */
  value: number;
}

/** One series of a range query (matrix). */
type RangeSeries = MetricsSeries;

/** The Prometheus API rejected the query itself (bad PromQL, bad parameters). */
export class PrometheusQueryError extends InputError {
  constructor(
    message: string,
    readonly errorType: string,
    readonly query: string,
  ) {
    super(message);
  }
}

interface ApiResponse {
  status: 'success' | 'error';
  data?: {
    resultType: 'vector' | 'matrix' | 'scalar' | 'string';
    result: unknown;
  };
  errorType?: string;
  error?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

const toSeconds = (t: Date | number) =>
  typeof t === 'number' ? t : t.getTime() / 1000;

/**
 * A small client for the Prometheus HTTP API (/api/v1/query, /api/v1/query_range).
 * Every error names the Prometheus URL and the query, and says why it failed:
 * Prometheus's own message for bad PromQL, "did not answer" for an unreachable or
 * hung server.
 */
export class PrometheusClient implements MetricsSource {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly checkHint: string;

  constructor(config: PrometheusConfig) {
    this.base = config.url.replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.headers = config.headers ?? {};
    this.checkHint =
      config.checkHint ??
      'Check gantry.prometheus.baseUrl and that Prometheus is running.';
  }

  get url(): string {
    return this.base;
  }

  /**
   * Evaluates `query` at `time` (default: Prometheus's now). Scalars come back as one
   * sample with no labels; the result is always an instant vector.
   */
  async query(query: string, time?: Date | number): Promise<InstantSample[]> {
    const params = new URLSearchParams({ query });
    if (time !== undefined) params.set('time', String(toSeconds(time)));
    const data = await this.call('/api/v1/query', params, query);
    if (data.resultType === 'scalar') {
      const [ts, v] = data.result as [number, string];
      return [{ metric: {}, timestamp: ts, value: Number(v) }];
    }
    if (data.resultType !== 'vector') {
      throw new PrometheusQueryError(
        `Prometheus at ${this.base} returned a ${data.resultType} for the instant query ${query}; expected a vector or scalar.`,
        'bad_data',
        query,
      );
    }
    return (
      data.result as Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>
    ).map(r => ({
      metric: r.metric,
      timestamp: r.value[0],
      value: Number(r.value[1]),
    }));
  }

  /** The value of a query expected to return at most one series, or undefined when empty. */
  async queryScalar(
    query: string,
    time?: Date | number,
  ): Promise<number | undefined> {
    const samples = await this.query(query, time);
    if (samples.length > 1) {
      throw new PrometheusQueryError(
        `The query ${query} returned ${samples.length} series from Prometheus at ${this.base}; aggregate it (e.g. sum(...)) so it returns one.`,
        'bad_data',
        query,
      );
    }
    return samples[0]?.value;
  }

  /** Evaluates `query` at every `stepSeconds` from `start` to `end` inclusive. */
  async queryRange(query: string, range: MetricsRange): Promise<RangeSeries[]> {
    const params = new URLSearchParams({
      query,
      start: String(toSeconds(range.start)),
      end: String(toSeconds(range.end)),
      step: String(range.stepSeconds),
    });
    const data = await this.call('/api/v1/query_range', params, query);
    return (
      data.result as Array<{
        metric: Record<string, string>;
        values: Array<[number, string]>;
      }>
    ).map(r => ({
      metric: r.metric,
      values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
  }

  private async call(
    path: string,
    params: URLSearchParams,
    query: string,
  ): Promise<NonNullable<ApiResponse['data']>> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      // POST keeps long PromQL out of URLs and access logs; Prometheus accepts both.
      res = await fetch(url, {
        method: 'POST',
        headers: {
          ...this.headers,
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: params.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : describeFetchError(err);
      throw new ServiceUnavailableError(
        `Prometheus at ${this.base} did not answer ${path} for ${query}: ${why}. ${this.checkHint}`,
      );
    }
    const text = await res.text();
    let body: ApiResponse | undefined;
    try {
      body = JSON.parse(text) as ApiResponse;
    } catch {
      body = undefined;
    }
    if (body?.status === 'error') {
      const message = `Prometheus at ${this.base} rejected ${query}: ${body.error} (${body.errorType}).`;
      // bad_data = invalid PromQL or parameters; execution/timeout/canceled are server-side.
      if (
        res.status === 400 ||
        res.status === 422 ||
        body.errorType === 'bad_data'
      ) {
        throw new PrometheusQueryError(message, body.errorType ?? '', query);
      }
      throw new ServiceUnavailableError(message);
    }
    if (res.status === 404) {
      throw new NotFoundError(
        `${url} answered 404: is ${this.base} the base URL of a Prometheus HTTP API (without /api/v1)?`,
      );
    }
    if (!res.ok || !body?.data) {
      throw new ServiceUnavailableError(
        `Prometheus at ${this.base} answered ${
          res.status
        } to ${path} for ${query}${
          body ? '' : ' with something that is not JSON'
        }: ${text.slice(0, 200)}`,
      );
    }
    return body.data;
  }
}

function describeFetchError(e: Error): string {
  const cause = (e as Error & { cause?: { code?: string; message?: string } })
    .cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.message ?? e.message;
}
