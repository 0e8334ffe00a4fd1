import type { EnvironmentModel } from '../model/environment';
import type { ValidateOptions } from './index';
import { builtinServices } from './urls';

/**
 * What the validator takes from an environment (`--env`/`--config`) instead of its defaults: the
 * Secrets its users create, where its cluster DNS pods run, and its cluster DNS Service's name.
 */
export function environmentOptions(model: EnvironmentModel): Pick<ValidateOptions, 'userCreated' | 'dns' | 'builtinServices'> {
  const dns = model.config.cluster.dns;
  return {
    userCreated: model.userSecrets,
    dns: { namespace: dns.namespace, labels: dns.podLabels },
    builtinServices: builtinServices(dns),
  };
}
