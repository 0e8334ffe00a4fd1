// `npm run auth:build`: bundle the auth service into services/auth/generated/auth-bundle.ts.
import { writeFileSync } from 'fs';
import * as path from 'path';
import { AUTH_BUNDLE_MODULE, buildAuthBundle, bundleModuleSource } from '../services/auth/build';

const bundle = buildAuthBundle();
writeFileSync(AUTH_BUNDLE_MODULE, bundleModuleSource(bundle));
console.log(`${path.relative(process.cwd(), AUTH_BUNDLE_MODULE)}: ${bundle.length} bytes of bundle`);
