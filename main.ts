// Entry point of the cdk8s app (run by `npx cdk8s synth`, see cdk8s.yaml).
// Picks the environment, validates its configuration, synthesizes every chart. See synth/run.ts.
import { run } from './synth/run';

process.exitCode = run(process.env).exitCode;
