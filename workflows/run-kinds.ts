/**
 * The kinds of Gatehouse runs that ask people for decisions, and how each names its runs. A
 * Slack button names a run by workflow id; the handler accepts it only when a kind here says the
 * id is a run of the button's tenant. Plain code: the API and workflows both import it.
 *
 * - triage and revert runs: `triage-<tenant>-<sys_id>`, `revert-<tenant>-<sys_id>`;
 * - workflows written on the action runtime (workflows/approvals/): `run:<tenant>:<workflow type>:<key>`
 *   (see `approvalRunWorkflowId`); `:` never appears in a tenant slug, so the tenant is unambiguous.
 */
import { parseRunWorkflowId } from './triage-ids';

export interface RunKind {
  kind: string;
  /** The tenant whose run this id names, or undefined when it is not an id of this kind. */
  tenantOf(workflowId: string): string | undefined;
}

const slug = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const approvalRunPattern = new RegExp(`^run:(${slug}):([A-Za-z][A-Za-z0-9_]*):([^\\s]{1,200})$`);

/** The id of a run of workflow `workflowType` for a tenant; `key` tells its runs apart (an incident number, a request id). */
export function approvalRunWorkflowId(tenantSlug: string, workflowType: string, key: string): string {
  const id = `run:${tenantSlug}:${workflowType}:${key}`;
  if (!approvalRunPattern.test(id)) throw new Error(`"${id}" is not a valid run id: a key has no spaces and at most 200 characters`);
  return id;
}

export const runKinds: readonly RunKind[] = [
  { kind: 'triage', tenantOf: (id) => { const p = parseRunWorkflowId(id); return p?.kind === 'triage' ? p.tenantSlug : undefined; } },
  { kind: 'revert', tenantOf: (id) => { const p = parseRunWorkflowId(id); return p?.kind === 'revert' ? p.tenantSlug : undefined; } },
  { kind: 'approval-run', tenantOf: (id) => approvalRunPattern.exec(id)?.[1] },
];

/** Whether a run id (from a Slack button, say) names a run of this tenant; forged or foreign ids do not. */
export function isTenantRun(workflowId: string, tenantSlug: string): boolean {
  return runKinds.some((k) => k.tenantOf(workflowId) === tenantSlug);
}
