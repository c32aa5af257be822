/**
 * Temporal test environments for the test suite, running the pip-installed binaries (never the
 * SDK's own download, which would need internet access).
 */
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalCli, resolveTestServer } from './binaries';
import { gatehouseDataConverter } from './data-converter';
import { registerCustomSearchAttributes } from './dev-server';
import { customSearchAttributes } from './search-attributes';

/**
 * Time-skipping environment on the Java test server, with Gatehouse's custom search attributes
 * registered.
 *
 * Why the extra registration: the test server starts with no custom search attributes, so a
 * workflow that upserts `GatehouseTenant` & co. has its workflow task rejected ("search attribute
 * GatehouseTenant is not defined") and retried forever, i.e. the test hangs; starting a workflow
 * with them fails with INVALID_ARGUMENT. The server implements `OperatorService.AddSearchAttributes`
 * (not `ListSearchAttributes`), so they are added right after start-up.
 *
 * Its client encrypts payloads like production's, under a random key per environment (the
 * runtime's worker and codec endpoint take their codec from this client).
 *
 * Call `teardown()` on the result when done.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer() } },
    client: { dataConverter: gatehouseDataConverter(randomBytes(32)) },
  });
  try {
    await registerCustomSearchAttributes(env.connection, env.namespace ?? 'default', false);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/**
 * Full dev-server environment (`temporal server start-dev`, in-memory, no UI) on 127.0.0.1 with the
 * custom search attributes registered, its client encrypting payloads under a random key. Real
 * time, no time skipping. Call `teardown()` when done.
 */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli() },
      searchAttributes: [...customSearchAttributes],
      ip: '127.0.0.1',
    },
    client: { dataConverter: gatehouseDataConverter(randomBytes(32)) },
  });
}
