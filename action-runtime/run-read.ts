/**
 * Runs one read action for a tenant: input validated against the action's schema, the
 * connector verified, the implementation run with the tenant's connection, the output validated
 * against the action's output schema. Used by the smoke test (workflow code reads through a
 * plan, so the policy decides first). A read never writes.
 */
import type { ConnectorRegistry } from '../connectors/framework/registry';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { findAction, verifiedAction } from './action-catalog';
import { contextFactory } from './connections';
import { parseContract, UnknownActionError } from './contract-errors';

export interface ReadRequest {
  actionId: string;
  input: unknown;
  /** Idempotency key of the read (reads need none, but the context carries one). */
  key: string;
}

export async function runRead(deps: TenantDeps & { registry: ConnectorRegistry }, tenant: TenantContext, request: ReadRequest): Promise<unknown> {
  const entry = findAction(request.actionId);
  if (!entry) throw new UnknownActionError(`unknown action ${request.actionId}`);
  const { action, connector } = entry;
  verifiedAction(deps.registry, entry);
  if (action.kind !== 'read') throw new UnknownActionError(`${request.actionId} is a write: it runs only through an approval plan`);
  if (!action.run) throw new UnknownActionError(`${request.actionId} has no implementation yet`);
  const input = parseContract(action.input, request.input, action.actionId, 'input');
  const ctx = await contextFactory(deps, tenant, request.key)(connector, request.key);
  const output = await action.run(ctx, input);
  return parseContract(action.output, output, action.actionId, 'output');
}
