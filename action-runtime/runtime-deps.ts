/** What the action runtime needs from the process hosting it: tenants' connections, verified connectors, a log. */
import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../connectors/framework/registry';
import type { TenantDeps } from '../tenancy/tenant-context';

export interface ActionRuntimeDeps extends TenantDeps {
  /** Verified connector manifests: only their actions run, with the gate and risk they state. */
  registry: ConnectorRegistry;
  logger: Logger;
}
