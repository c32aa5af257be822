/**
 * Executors for connectors' read-only actions, used by the smoke-test API. Read-only by
 * construction: nothing here can write to a provider.
 */
import { githubClientFor } from '../tenancy/github-client';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { getFileContents, type GetFileContentsInput } from './github/get-file-contents';
import { listIssues, type ListIssuesInput } from './github/list-issues';
import { listPullRequests, type ListPullRequestsInput } from './github/list-pull-requests';
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
  // GitHub inputs are validated by each action's own zod schema.
  'github.pulls.list': async (deps, tenant, input) => {
    const out = await listPullRequests((await githubClientFor(deps, tenant)).client, input as ListPullRequestsInput);
    return { pullRequests: out.pullRequests.length };
  },
  'github.issues.list': async (deps, tenant, input) => {
    const out = await listIssues((await githubClientFor(deps, tenant)).client, input as ListIssuesInput);
    return { issues: out.issues.length };
  },
  'github.contents.get': async (deps, tenant, input) => {
    const out = await getFileContents((await githubClientFor(deps, tenant)).client, input as GetFileContentsInput);
    return { path: out.path, size: out.size };
  },
};

export function readActionFor(actionId: string): ReadAction | undefined {
  return readActions[actionId];
}

/** Lets a connector whose client lives elsewhere (GitHub) register its read actions. */
export function registerReadAction(actionId: string, action: ReadAction): void {
  readActions[actionId] = action;
}
