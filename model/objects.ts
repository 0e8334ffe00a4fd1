/**
 * Every object name and every pod port the environment's components take, each with the
 * configuration field that chose it: the one place that owns names and ports. Two components
 * claiming the same kind, namespace and name (or two listeners one port in one pod) is a
 * configuration error naming both fields (model/check.ts), instead of a silent
 * overwrite by `kubectl apply` or a container that cannot bind.
 *
 * Built from the resolved model (model/resolve.ts), so each derived name is spelled once, there.
 * A new component adds its names to the model and its objects in model/claims.ts (`objectClaims`, `podPorts`). Tests hold this list to what the charts really create (test/claims.test.ts: every
 * synthesized object is claimed, every claimed object is synthesized, every containerPort is
 * claimed), and synth refuses output in which two objects share a group, kind, namespace and name
 * (synth/unique-objects.ts): a component that forgot to claim is caught before anything is written.
 */
export interface Claim {
  readonly kinds: readonly string[];
  /** Undefined: cluster-scoped. */
  readonly namespace?: string;
  /** The name; with `prefix`, every name that starts with it (objects named by a content hash). */
  readonly name: string;
  readonly prefix?: boolean;
  /** The configuration field that chose the name, e.g. `services[1].name`. */
  readonly field: string;
  /** The chart may leave it out in some configurations (the name stays reserved for it). */
  readonly optional?: boolean;
}

/** Length of the content hash that follows a prefix claim (constructs/jetstream-objects.ts definitionsHash). */
export const HASH_SUFFIX_LENGTH = 10;

/** One port a pod listens on, and the field that chose it. */
export interface PortClaim {
  readonly field: string;
  readonly port: number;
}

/** The pods of the environment (by the workload that runs them) and every port each listens on, declared or loopback-only. */
export interface PodPorts {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly PortClaim[];
}

