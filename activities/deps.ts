/** What the activities need from the process that hosts them (injected; see createActivities). */
import type { Logger } from 'pino';
import type { AuditLinks } from '../audit/audit-links';
import type { ConnectorRegistry } from '../connectors/framework/registry';
import type { ReconcileSchedules } from '../temporal/reconcile-schedule-sync';
import type { TenantDeps } from '../tenancy/tenant-context';

export interface ActivityDeps extends TenantDeps {
  logger: Logger;
  auditLinks: AuditLinks;
  /** Verified connector manifests: only these connectors may be installed or used. */
  registry: ConnectorRegistry;
  /** Pauses or resumes a tenant's reconciliation when its ServiceNow connection changes. */
  reconcileSchedules: ReconcileSchedules;
}
