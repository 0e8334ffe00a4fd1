import { metricNames, PromqlSyntaxError } from '../monitoring/promql';

describe('metricNames', () => {
  test.each([
    ['a bare selector', 'up', ['up']],
    ['label names and values inside {} are not metrics', 'node_load1{instance="node:9100", job=~"node.*"}', ['node_load1']],
    ['function names, durations and Grafana variables are skipped', 'rate(nginx_http_requests_total[$__rate_interval])', ['nginx_http_requests_total']],
    [
      'aggregation with a grouping clause before and after the body',
      'sum by (app, le) (rate(a_bucket{path!~"metrics"}[5m])) + sum(rate(b_total[1m])) without (pod)',
      ['a_bucket', 'b_total'],
    ],
    [
      'vector matching clauses carry label lists, not metrics',
      'x_bytes / on(instance) group_left(nodename) y_bytes and ignoring(job) z_info',
      ['x_bytes', 'y_bytes', 'z_info'],
    ],
    ['keywords, offset and numbers', 'foo_total offset 1h > bool 0.5e3 or vector(0) unless bar', ['bar', 'foo_total']],
    ['strings never contribute', 'label_replace(up, "dst_metric", "$1", "src", "(.*)")', ['up']],
    ['subqueries and @ modifiers', 'max_over_time(rate(c_total[5m])[1h:1m] @ end())', ['c_total']],
    ['__name__ matchers name a metric', '{__name__="scrape_duration_seconds", job="x"}', ['scrape_duration_seconds']],
    ['recording-rule names with colons', 'job:http_requests:rate5m', ['job:http_requests:rate5m']],
    ['duplicates are reported once, sorted', 'zeta + alpha + zeta', ['alpha', 'zeta']],
  ])('%s', (_what, expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });

  test.each([
    ['an unclosed parenthesis', 'sum(rate(x[5m])'],
    ['a stray closing brace', 'x}'],
    ['mismatched brackets', 'rate(x[5m)]'],
    ['an unterminated string', 'x{job="a}'],
    ['a character PromQL does not have', 'x ; y'],
  ])('rejects %s', (_what, expr) => {
    expect(() => metricNames(expr)).toThrow(PromqlSyntaxError);
  });
});
