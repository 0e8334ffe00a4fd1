import { z } from 'zod';
import { dnsLabel } from './common';

/** Jenkins CI/CD. */
export const jenkins = z.strictObject({
  enabled: z.boolean().default(true),
  name: dnsLabel.default('jenkins'),
});
export type JenkinsConfig = z.infer<typeof jenkins>;
