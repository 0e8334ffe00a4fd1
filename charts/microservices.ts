import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { DefaultDenyPolicy } from '../constructs/network';
import { datastoreEndpoint, defaultDenyOf, policyOf, serviceEndpoint } from '../model/network';

/**
 * The microservices (news, webtoon, payment, … one per config entry), each with its own
 * datastore, in a namespace where nothing flows unless a policy allows it.
 */
export class MicroservicesChart extends Chart {
  readonly services: Microservice[];

  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    super(scope, id, { namespace: config.namespaces.apps, disableResourceNameHashes: true });

    new DefaultDenyPolicy(this, 'default-deny', defaultDenyOf(model.network, config.namespaces.apps));

    this.services = model.services.map(
      ({ config: service, identity, datastore, env, calls }) =>
        new Microservice(this, service.name, {
          service,
          identity,
          imagePullPolicy: config.imagePullPolicy,
          policy: policyOf(model.network, serviceEndpoint(service.name)),
          datastore: datastore.enabled ? { model: datastore, policy: policyOf(model.network, datastoreEndpoint(service.name)) } : undefined,
          scraped: model.prometheus.enabled,
          env,
          calls,
        }),
    );
  }
}
