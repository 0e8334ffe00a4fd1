import { knownScopes } from './auth';
import { WELL_FORMED } from './common';
import { checkConsistency } from './consistency';
import { checkEvents } from './events-check';
import { checkGitOps } from './gitops-check';
import { configObject } from './object';

export type { Config, ConfigInput } from './object';

export const configSchema = configObject
  .superRefine(checkEvents, WELL_FORMED)
  .superRefine((c, ctx) => checkConsistency(c, ctx), WELL_FORMED)
  .superRefine(checkGitOps, WELL_FORMED)
  .superRefine((c, ctx) => {
    // Route scopes must be ones a client can obtain: a typo would lock the route for everyone.
    const scopes = knownScopes(c.auth);
    c.services.forEach((s, i) => {
      if (s.auth.required && !c.auth.enabled) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'auth', 'required'], message: 'needs the auth service: set auth.enabled to true, or required to false' });
      }
      if (s.auth.scope !== undefined && !s.auth.required) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'auth', 'scope'], message: 'has no effect without required: true' });
      } else if (s.auth.scope !== undefined && c.auth.enabled && !scopes.has(s.auth.scope)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'auth', 'scope'],
          message: `unknown scope "${s.auth.scope}": no client in auth.clients may request it (known: ${[...scopes].sort().join(', ') || 'none'})`,
        });
      }
    });
  }, WELL_FORMED);

