import { writeFileSync, mkdirSync } from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Names, YamlOutputType } from 'cdk8s';
import { dependencyOrder } from './dependency-order';
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
    // cdk8s's Chart.toJson() validates the whole app and turns implicit construct dependencies
    // into chart dependencies, then renders the chart; App.synth() repeats that app-wide work for
    // every chart (O(charts × objects)). Here it is done once, by the first chart's toJson(); the
    // other charts are rendered the way toJson() renders (objects in dependency order, each in its
    // closest chart). test/manifest-app.test.ts checks the files equal cdk8s's own App.synth().
    const all = this.node.findAll().filter((c): c is Chart => c instanceof Chart);
    const rendered = new Map<Chart, unknown[]>();
    all.forEach((chart, i) => {
      const own = chart.toJson !== Chart.prototype.toJson; // a chart that renders itself differently
      rendered.set(chart, i === 0 || own ? Object.values(chart.toJson()) : renderChart(chart));
    });
    // The final order, now that every dependency is known: App.charts' order, without its cost.
    const charts = dependencyOrder(this).filter((c): c is Chart => c instanceof Chart);
    const indexed = charts.some((c) => c.node.dependencies.some((d) => d instanceof Chart && d !== c));
    charts.forEach((chart, i) => {
      const name = `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
      const docs = rendered.get(chart) ?? Object.values(chart.toJson());
      writeFileSync(path.join(this.outdir, `${name}${this.outputFileExtension}`), manifestsYaml(docs), { encoding: 'utf8' });
    });
  }
}

/** A chart's objects as Chart.toJson() returns them, once the app's dependencies are resolved. */
function renderChart(chart: Chart): unknown[] {
  return dependencyOrder(chart)
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
    .map((o) => o.toJson());
}
