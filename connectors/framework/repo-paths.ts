/** Default locations inside this repository (the framework lives at `connectors/framework/`). */
import { join, resolve } from 'node:path';

/** The repository root. */
export const defaultRepoRoot = resolve(__dirname, '..', '..');
/** Where generated manifests, signatures and the trust store are committed. */
export const defaultManifestsDir = join(defaultRepoRoot, 'manifests');
/** The committed development signing key: development only, never trusted in production. */
export const developmentKeyPath = join(defaultRepoRoot, 'test', 'fixtures', 'signing', 'development-signing-key.pem');
