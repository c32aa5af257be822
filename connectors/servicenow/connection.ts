/** The ServiceNow connection every action is handed: the tenant's Table API client. */
import type { ConnectorEnvironment } from '../framework/types';
import { actionsFor } from '../framework/define-connector';
import { serviceNowClientFor } from '../../tenancy/tenant-context';
import type { ServiceNowClient } from './client';

export type ServiceNowConnection = ServiceNowClient;

/** Opens (or takes from the tenant cache) the tenant's client; the instance URL is checked on every use. */
export function connectServiceNow(env: ConnectorEnvironment): Promise<ServiceNowConnection> {
  return serviceNowClientFor(env.deps, env.tenant);
}

/** `defineAction` for ServiceNow actions: `ctx.connection` is the tenant's client. */
export const defineServiceNowAction = actionsFor<ServiceNowConnection>();
