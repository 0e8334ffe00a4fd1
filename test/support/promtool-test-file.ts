/** The shape of a `promtool test rules` file, and one input series of it. */

type Labels = Record<string, string>;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: ReadonlyArray<{ readonly exp_labels: Labels; readonly exp_annotations: Labels }>;
}

export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: ReadonlyArray<{ readonly name: string; readonly interval: string; readonly input_series: readonly InputSeries[]; readonly alert_rule_test: readonly AlertTest[] }>;
}

export function series(name: string, labels: Labels, values: string): InputSeries {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return { series: `${name}{${body}}`, values };
}

