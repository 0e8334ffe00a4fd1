import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { DefaultDenyPolicy } from '../constructs/network';
import { natsUser } from '../model/nats';
import { natsClientEnv } from './event-bus';

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

    new DefaultDenyPolicy(this, 'default-deny', { namespace: config.namespaces.apps, partOf: config.partOf });

    const byName = new Map(model.services.map((s) => [s.name, s]));
    const endpoint = (name: string) => {
      const callee = byName.get(name)!;
      return { name, url: callee.url, pods: callee.pods, port: callee.config.port };
    };
    const authJwks = { url: model.auth.jwksUrl, pods: model.auth.pods, port: config.auth.port };
    this.services = model.services.map(
      ({ config: service, usesEvents, verifiesTokens }) =>
        new Microservice(this, service.name, {
          service,
          namespace: config.namespaces.apps,
          partOf: config.partOf,
          imagePullPolicy: config.imagePullPolicy,
          clusterDomain: config.cluster.domain,
          dns: config.cluster.dns,
          clients: model.gateway.pods,
          scraper: model.prometheus.scraper,
          callees: service.calls.map(endpoint),
          callers: model.services.filter((s) => s.config.calls.includes(service.name)).map((s) => s.pods),
          authJwks: verifiesTokens ? authJwks : undefined,
          events: usesEvents
            ? { env: natsClientEnv(model, natsUser(model.events, service.name)), pods: model.events.pods, port: config.events.ports.client }
            : undefined,
        }),
    );
  }
}
