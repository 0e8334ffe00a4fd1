import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Config } from '../config/schema';
import { Microservice } from '../constructs/microservice';
import { DefaultDenyPolicy } from '../constructs/network';
import { eventServices } from '../constructs/nats-config';
import { natsClientEnv } from './event-bus';
import { authJwksUrl, authPods, gatewayPods, microservicePods, natsPods, prometheusScraper, serviceHost, tokenVerifiers } from './selectors';

/**
 * The microservices (news, webtoon, payment, … one per config entry), each with its own
 * datastore, in a namespace where nothing flows unless a policy allows it.
 */
export class MicroservicesChart extends Chart {
  readonly services: Microservice[];

  constructor(scope: Construct, id: string, props: { config: Config }) {
    const config = props.config;
    super(scope, id, { namespace: config.namespaces.apps, disableResourceNameHashes: true });

    new DefaultDenyPolicy(this, 'default-deny', { namespace: config.namespaces.apps, partOf: config.partOf });

    const byName = new Map(config.services.map((s) => [s.name, s]));
    const endpoint = (name: string) => {
      const callee = byName.get(name)!;
      return { name, url: `http://${serviceHost(config, name, config.namespaces.apps)}:${callee.port}`, pods: microservicePods(callee), port: callee.port };
    };
    const verifiers = new Set(tokenVerifiers(config).map((s) => s.name));
    const authJwks = { url: authJwksUrl(config), pods: authPods(config), port: config.auth.port };
    this.services = config.services.map(
      (service) =>
        new Microservice(this, service.name, {
          service,
          namespace: config.namespaces.apps,
          partOf: config.partOf,
          imagePullPolicy: config.imagePullPolicy,
          clusterDomain: config.cluster.domain,
          dns: config.cluster.dns,
          clients: gatewayPods(config),
          scraper: prometheusScraper(config),
          callees: service.calls.map(endpoint),
          callers: config.services.filter((s) => s.calls.includes(service.name)).map(microservicePods),
          authJwks: verifiers.has(service.name) ? authJwks : undefined,
          events: eventServices(config).includes(service)
            ? { env: natsClientEnv(config, service.name), pods: natsPods(config), port: config.events.ports.client }
            : undefined,
        }),
    );
  }
}
