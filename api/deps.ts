/** Everything the express app needs, injected so tests can run it against real servers on random ports. */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AuditLinks } from '../audit/audit-links';
import type { ConnectorRegistry } from '../connectors/framework/registry';
import type { ActionCatalogue } from '../policy/action-catalogue';
import type { CodecEndpointSettings } from './codec/codec-settings';
import type { TenantDeps } from '../tenancy/tenant-context';
import type { ReconcileSchedules } from '../temporal/reconcile-schedule-sync';

export interface ApiDeps extends TenantDeps {
  logger: Logger;
  temporal: Client;
  taskQueue: string;
  auditLinks: AuditLinks;
  adminToken: string;
  /** Where this API is reachable from outside (used to print per-tenant webhook URLs). */
  publicBaseUrl: string;
  /** Standard Webhooks tolerance for webhook-timestamp, in seconds (default 300). */
  webhookToleranceSeconds?: number;
  /** Verified connector manifests (marketplace listings, installs). */
  registry: ConnectorRegistry;
  /** Connector action facts for policy simulation (default: the built-in connectors). */
  catalogue?: ActionCatalogue;
  /** Brings a tenant's reconciliation Schedule in line after its settings change. */
  reconcileSchedules: ReconcileSchedules;
  /**
   * The trigger inbox's forwarder in this process: with one, an accepted incident event is
   * answered once committed to the inbox and the forwarder starts or signals its run; without
   * one (tools), the route starts or signals the run before answering.
   */
  triggerInbox?: { kick(): void; readonly forwarded: number };
  /** Who may call the codec endpoint the Temporal UI decrypts payloads with (default: admin token only). */
  codec?: CodecEndpointSettings;
  /** Largest webhook body accepted (default 256 kB). */
  webhookBodyLimit?: string;
}
