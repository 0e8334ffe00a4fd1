import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { Labels } from '../lib/labels';

/**
 * A ServiceAccount of the workload's own, with no API token mounted: none of these programs talks
 * to the Kubernetes API, so a stolen pod gets no credentials.
 */
export function ownServiceAccount(scope: Construct, name: string, labels: Labels): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(scope, 'service-account', {
    metadata: { name, labels },
    automountServiceAccountToken: false,
  });
}

export function httpProbe(path: string, port: string | number, opts: Partial<k8s.Probe> = {}): k8s.Probe {
  return {
    httpGet: { path, port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
    ...opts,
  };
}

/** Roll one new pod in before an old one goes: capacity never drops during an update. */
export function surgeRollout(): k8s.DeploymentStrategy {
  return { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } };
}

/** Spread replicas over nodes where the cluster has several; never blocks scheduling on one node. */
export function spreadOverNodes(selector: Labels): k8s.TopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
    },
  ];
}

/** Annotations the Prometheus pod discovery reads (see the monitoring chart's scrape jobs). */
export function scrapeAnnotations(port: number, path: string): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': path };
}

/** A PodDisruptionBudget that keeps all but one pod up during a drain, and never blocks every eviction. */
export function disruptionBudget(scope: Construct, name: string, labels: Labels, selector: Labels): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'pdb', {
    metadata: { name, labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
  });
}


export interface SinglePortServiceProps {
  readonly name: string;
  readonly labels: Labels;
  readonly selector: Labels;
  /** Port name, also the container port it targets (by name, so a container port change follows). */
  readonly portName: string;
  readonly port: number;
  /** Headless (`clusterIP: None`): DNS answers with the pod address, as a StatefulSet needs. */
  readonly headless?: boolean;
}

/** A Service in front of one named container port: every in-cluster component here has one. */
export function singlePortService(scope: Construct, id: string, props: SinglePortServiceProps): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      ...(props.headless ? { clusterIp: 'None' } : { type: 'ClusterIP' }),
      selector: props.selector,
      ports: [{ name: props.portName, port: props.port, targetPort: k8s.IntOrString.fromString(props.portName), protocol: 'TCP' }],
    },
  });
}
