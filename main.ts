// Entry point of the cdk8s app (run by `npx cdk8s synth`, see cdk8s.yaml).
// Picks the environment, validates its configuration, synthesizes every chart. See synth/run.ts.
import { exitCodeFor, run } from './synth/run';

process.exitCode = exitCodeFor(run(process.env), process.env, process.argv.slice(2));
