/**
 * Executors for connectors' read-only actions, used by the smoke-test API. Read-only by
 * construction: nothing here can write to a provider.
 */
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { serviceNowClientFor, slackClientFor } from '../tenancy/tenant-context';

export type ReadAction = (deps: TenantDeps, tenant: TenantContext, input: Record<string, unknown>) => Promise<unknown>;

const str = (input: Record<string, unknown>, key: string): string => {
  const value = input[key];
  if (typeof value !== 'string' || value.length === 0) throw new Error(`input.${key} must be a non-empty string`);
  return value;
};

const readActions: Record<string, ReadAction> = {
  'servicenow.incident.get': async (deps, tenant, input) => {
    const client = await serviceNowClientFor(deps, tenant);
    const incident = typeof input.sys_id === 'string' ? await client.getIncident(input.sys_id) : await client.findIncidentByNumber(str(input, 'number'));
    return incident ? { found: true, number: incident.number } : { found: false };
  },
  'slack.users.info': async (deps, tenant, input) => {
    const info = await (await slackClientFor(deps, tenant)).users.info({ user: str(input, 'user') });
    return { found: Boolean(info.user) };
  },
  'slack.usergroups.users.list': async (deps, tenant, input) => {
    const list = await (await slackClientFor(deps, tenant)).usergroups.users.list({ usergroup: str(input, 'usergroup') });
    return { members: list.users?.length ?? 0 };
  },
};

export function readActionFor(actionId: string): ReadAction | undefined {
  return readActions[actionId];
}

/** Lets a connector whose client lives elsewhere (GitHub) register its read actions. */
export function registerReadAction(actionId: string, action: ReadAction): void {
  readActions[actionId] = action;
}
