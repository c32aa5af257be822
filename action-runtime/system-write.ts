/**
 * Writes Gatehouse makes on its own account — the approval request, its outcome, private notices
 * and reminders to approvers. They are not approved themselves (they ARE the approval), but they
 * go through the connector's action all the same: input and output validated against the signed
 * manifest's schemas, the one implementation of the call, the scopes the manifest requests.
 */
import type { TenantContext } from '../tenancy/tenant-context';
import { findAction } from './action-catalog';
import { contextFactory } from './connections';
import { parseContract, UnknownActionError } from './contract-errors';
import type { ActionRuntimeDeps } from './runtime-deps';

/** Runs the write action `actionId` with `input` at once and returns its validated output. */
export async function systemWrite(deps: ActionRuntimeDeps, tenant: TenantContext, actionId: string, input: unknown): Promise<unknown> {
  const entry = findAction(actionId);
  if (!entry) throw new UnknownActionError(`unknown action ${actionId}`);
  deps.registry.get(entry.connector.connectorId);
  const { action, connector } = entry;
  if (action.kind !== 'write' || !action.preview || !action.apply) throw new UnknownActionError(`${actionId} is not a write Gatehouse can make on its own account`);
  const parsed = parseContract(action.input, input, actionId, 'input');
  const ctx = await contextFactory(deps, tenant, `system:${actionId}`)(connector, `system:${actionId}`);
  const receipt = await action.apply(ctx, parsed, await action.preview(ctx, parsed));
  return parseContract(action.output, receipt.output, actionId, 'output');
}
