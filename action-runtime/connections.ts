/**
 * The context an action implementation runs in: the tenant's connection for the action's
 * connector (opened by the connector's `connect`, cached per process by the tenant cache where
 * the connector does so), its idempotency keys and a per-step read memo.
 */
import type { ActionContext } from '../connectors/framework/action-contract';
import type { ConnectorDefinition } from '../connectors/framework/types';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';

/** A memo shared by every action of one step: the first read of a key is the only one. */
export function readMemo(): ActionContext<unknown>['memo'] {
  const reads = new Map<string, Promise<unknown>>();
  return <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let found = reads.get(key) as Promise<T> | undefined;
    if (!found) {
      found = read();
      // A failed read is not remembered: a retry reads again.
      found.catch(() => reads.delete(key));
      reads.set(key, found);
    }
    return found;
  };
}

/** Opens the connector's connection for the tenant. */
export async function openConnection(deps: TenantDeps, tenant: TenantContext, connector: ConnectorDefinition): Promise<unknown> {
  if (!connector.connect) throw new Error(`connector ${connector.connectorId} declares no connect(): it cannot run actions`);
  return connector.connect({ deps, tenant });
}

/** Builds an action's context; connections are opened once per connector per step. */
export function contextFactory(deps: TenantDeps, tenant: TenantContext, planKey: string) {
  const memo = readMemo();
  const connections = new Map<string, Promise<unknown>>();
  return async (connector: ConnectorDefinition, idempotencyKey: string): Promise<ActionContext<unknown>> => {
    let connection = connections.get(connector.connectorId);
    if (!connection) {
      connection = openConnection(deps, tenant, connector);
      connections.set(connector.connectorId, connection);
    }
    return { connection: await connection, tenantId: tenant.id, idempotencyKey, planKey, memo };
  };
}
