/**
 * PromQL over the HTTP metrics a service is expected to expose (`http_requests_total`
 * with a `code` label, the `http_request_duration_seconds` histogram). `${selector}`
 * stands for the label matchers that pick the service's series, e.g.
 * `namespace="shop",service="checkout"`. The canary's default templates judge these
 * queries; the flag usage card shows them beside flag evaluations.
 */
export const SELECTOR_PLACEHOLDER = '${selector}';

/** Share of requests answered 5xx (no requests in a step gives 0/0, NaN). */
export const HTTP_ERROR_RATE_QUERY =
  'sum(rate(http_requests_total{${selector},code=~"5.."}[1m])) / sum(rate(http_requests_total{${selector}}[1m]))';

/** 99th percentile request latency in seconds. */
export const HTTP_P99_LATENCY_QUERY =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${selector}}[1m])))';

/** Fills a query's placeholder with label matchers. */
export const renderQuery = (query: string, selector: string) =>
  query.split(SELECTOR_PLACEHOLDER).join(selector);
