import { Construct } from 'constructs';
import type { Storage } from '../config/schema/common';
import * as k8s from '../imports/k8s';
import { asStoredClaimTemplates, claimTemplate } from './claim-template';
import { Identity, recommendedLabels, selectorLabels } from './labels';

export interface SingleInstanceStatefulSetProps {
  readonly name: string;
  readonly identity: Identity;
  /** The (headless or regular) Service that gives the pod its stable network identity. */
  readonly serviceName: string;
  readonly pod: k8s.PodTemplateSpec;
  /** ReadWriteOnce volumes, mounted by name: `{ data: {size, storageClassName} }`. */
  readonly claims: Readonly<Record<string, Storage>>;
}

/**
 * One pod with its own ReadWriteOnce volume(s): a StatefulSet, because a rolling Deployment would
 * start the new pod before the old one lets go of the volume and deadlock the upgrade.
 * The claim templates carry no version label: they are immutable once created, and an image bump
 * that changed them would make every later apply fail.
 */
export class SingleInstanceStatefulSet extends Construct {
  readonly statefulSet: k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: SingleInstanceStatefulSetProps) {
    super(scope, id);
    const claimLabels = recommendedLabels({ ...props.identity, version: undefined });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name: props.name, labels: recommendedLabels(props.identity) },
      spec: {
        serviceName: props.serviceName,
        replicas: 1,
        selector: { matchLabels: selectorLabels(props.identity) },
        updateStrategy: { type: 'RollingUpdate' },
        podManagementPolicy: 'OrderedReady',
        template: props.pod,
        volumeClaimTemplates: Object.entries(props.claims).map(([name, storage]) => claimTemplate(name, claimLabels, storage)),
      },
    });
    asStoredClaimTemplates(this.statefulSet);
  }
}
