import { writeFileSync, mkdirSync } from 'fs';
import * as path from 'path';
import { App, AppProps, Chart, Names, YamlOutputType } from 'cdk8s';
import { manifestsYaml } from './yaml-writer';

/**
 * A cdk8s App whose `synth()` writes the same files as cdk8s's (one per chart, numbered in
 * dependency order when charts depend on each other), serialized by `manifestsYaml` instead of
 * the yaml package's document model: byte-identical text, a fraction of the time (see
 * docs/benchmark.md). Other output types, and construct metadata for validation plugins, keep
 * cdk8s's own implementation.
 */
export class ManifestApp extends App {
  /** As cdk8s decides it (App.recordConstructMetadata is private). */
  private readonly recordsMetadata: boolean;

  constructor(props: AppProps = {}) {
    super(props);
    this.recordsMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  override synth(): void {
    if (this.yamlOutputType !== YamlOutputType.FILE_PER_CHART || this.recordsMetadata) {
      super.synth();
      return;
    }
    mkdirSync(this.outdir, { recursive: true });
    // Chart.toJson() validates the app and turns implicit construct dependencies into chart
    // dependencies first, so the charts are rendered before their final order is read.
    const rendered = new Map<Chart, unknown[]>();
    for (const chart of this.charts) rendered.set(chart, Object.values(chart.toJson()));
    const charts = this.charts;
    const indexed = charts.some((c) => c.node.dependencies.some((d) => d instanceof Chart && d !== c));
    charts.forEach((chart, i) => {
      const name = `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
      const docs = rendered.get(chart) ?? Object.values(chart.toJson());
      writeFileSync(path.join(this.outdir, `${name}${this.outputFileExtension}`), manifestsYaml(docs), { encoding: 'utf8' });
    });
  }
}
