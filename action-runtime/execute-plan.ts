/**
 * Runs an approved plan: every action the policy did not block, in plan order. Writes the
 * provider can make together go as one batch (ServiceNow: one PATCH per incident); other writes
 * are applied one by one, each behind a stored receipt so a retried step answers with the
 * receipt instead of writing again; approved reads just run. Every output is validated against
 * its action's schema. Prior values go to write_log (what a revert puts back) in one transaction
 * with the run's audit events. Shadow mode records what would have been written, and writes nothing.
 */
import { Context } from '@temporalio/activity';
import type { ApprovedWrite, FieldWriteResult, WriteReceipt } from '../connectors/framework/action-contract';
import { findReceipt, storeReceipt } from '../db/action-receipts-repo';
import { appendAuditEventsWith, inTransaction, type NewAuditEvent } from '../db/audit-repo';
import { recordWrite } from '../db/write-log-repo';
import type { TenantContext } from '../tenancy/tenant-context';
import { toAuditEvents, type RunAuditEvent } from '../audit/run-audit';
import { findAction, type CatalogEntry } from './action-catalog';
import { contextFactory } from './connections';
import { parseContract, UnknownActionError } from './contract-errors';
import type { ActionWriteResult, ProposedAction, WriteOutcome } from './plan-types';
import type { ActionRuntimeDeps } from './runtime-deps';

export interface ExecutePlanRequest {
  tenantId: string;
  workflowId: string;
  runId: string;
  planKey: string;
  /** The approved actions (policy did not block them), in plan order. */
  actions: ProposedAction[];
  /** Who approved (the actor of the write events); "policy" when nothing needed approval. */
  approver: string;
  /** The decision's audit events, recorded with the writes. */
  audit?: RunAuditEvent[];
}

function overall(fields: readonly FieldWriteResult[]): WriteOutcome {
  if (fields.length > 0 && fields.every((f) => f.outcome === 'shadow')) return 'shadow';
  if (fields.some((f) => f.outcome === 'applied')) return 'applied';
  if (fields.some((f) => f.outcome === 'skipped_stale')) return 'skipped_stale';
  if (fields.some((f) => f.outcome === 'already_applied')) return 'already_applied';
  return 'no_change';
}

function entryOf(action: ProposedAction): CatalogEntry {
  const entry = findAction(action.actionId);
  if (!entry) throw new UnknownActionError(`unknown action ${action.actionId}`);
  return entry;
}

function approvedWrite(action: ProposedAction): ApprovedWrite {
  return {
    actionId: action.actionId, input: action.input, idempotencyKey: action.key,
    approved: {
      subject: {
        connectorId: action.connectorId, kind: '', id: action.subjectId ?? '', label: '', title: '', facts: [], requesters: [],
        ...(action.subjectVersion !== undefined ? { version: action.subjectVersion } : {}),
      },
      changes: action.changes,
    },
  };
}

export async function executePlan(deps: ActionRuntimeDeps, tenant: TenantContext, request: ExecutePlanRequest): Promise<ActionWriteResult[]> {
  const attempt = Context.current().info.attempt;
  const contextFor = contextFactory(deps, tenant, request.planKey);
  const results: Array<ActionWriteResult | undefined> = request.actions.map(() => undefined);
  const batches = new Map<string, number[]>();

  for (const [i, action] of request.actions.entries()) {
    const { action: definition, connector } = entryOf(action);
    if (definition.kind === 'read') {
      if (!definition.run) throw new UnknownActionError(`${action.actionId} has no implementation`);
      const output = await definition.run(await contextFor(connector, action.key), action.input);
      results[i] = { actionId: action.actionId, outcome: 'no_change', fields: [], output: parseContract(definition.output, output, action.actionId, 'output') };
    } else if (action.policy.shadow) {
      results[i] = { actionId: action.actionId, outcome: 'shadow', fields: action.changes.filter((c) => !c.derived).map((c) => ({ field: c.field, before: c.from, after: c.to, outcome: 'shadow' })) };
    } else if (definition.batch) {
      const group = `${definition.batch.id}\u0000${action.subjectId ?? ''}`;
      batches.set(group, [...(batches.get(group) ?? []), i]);
    } else {
      results[i] = await applyOne(deps, request.tenantId, action, definition, await contextFor(connector, action.key));
    }
  }
  for (const members of batches.values()) {
    const first = request.actions[members[0]!]!;
    const { action: definition, connector } = entryOf(first);
    if (definition.kind !== 'write' || !definition.batch) continue;
    const writes = members.map((i) => approvedWrite(request.actions[i]!));
    const receipts = await definition.batch.apply(await contextFor(connector, first.key), writes);
    members.forEach((i, n) => { results[i] = checked(request.actions[i]!, receipts[n]); });
  }
  const done = results.map((r, i) => r ?? { actionId: request.actions[i]!.actionId, outcome: 'no_change' as const, fields: [] });
  await record(deps, request, done, attempt);
  return done;
}

/** A receipt whose output matches the action's schema, as a result. */
function checked(action: ProposedAction, receipt: WriteReceipt | undefined): ActionWriteResult {
  if (!receipt) throw new Error(`the batch returned no receipt for ${action.actionId}`);
  const definition = entryOf(action).action;
  const output = parseContract(definition.output, receipt.output, action.actionId, 'output');
  return { actionId: action.actionId, outcome: overall(receipt.fields), fields: receipt.fields, output };
}

/** One write behind its receipt: a retry finds the receipt and writes nothing. */
async function applyOne(
  deps: ActionRuntimeDeps, tenantId: string, action: ProposedAction, definition: CatalogEntry['action'], ctx: Awaited<ReturnType<ReturnType<typeof contextFactory>>>,
): Promise<ActionWriteResult> {
  if (definition.kind !== 'write' || !definition.apply) throw new UnknownActionError(`${action.actionId} has no implementation`);
  const stored = await findReceipt(deps.pool, tenantId, action.key);
  if (stored) {
    const fields = stored.fields.map((f) => (f.outcome === 'applied' ? { ...f, outcome: 'already_applied' as const } : f));
    return { actionId: action.actionId, outcome: overall(fields), fields, output: stored.output };
  }
  const approved = approvedWrite(action).approved;
  const receipt = checked(action, await definition.apply(ctx, action.input, approved));
  await storeReceipt(deps.pool, tenantId, action.key, { actionId: action.actionId, output: receipt.output, fields: receipt.fields });
  return receipt;
}

/** The write log (prior values, for reverts) and the audit events, in one transaction. */
async function record(deps: ActionRuntimeDeps, request: ExecutePlanRequest, results: readonly ActionWriteResult[], attempt: number): Promise<void> {
  const events: NewAuditEvent[] = toAuditEvents(request.tenantId, request.workflowId, request.audit);
  for (const [i, result] of results.entries()) {
    const action = request.actions[i]!;
    if (action.kind === 'read') {
      events.push({ tenantId: request.tenantId, workflowId: request.workflowId, type: 'action.read', actor: request.approver, outcome: 'ok', detail: { action: action.actionId, attempt, policy: action.policy } });
      continue;
    }
    const shadow = action.policy.shadow;
    events.push({
      tenantId: request.tenantId, workflowId: request.workflowId, type: shadow ? 'action.shadow_write' : 'action.write', actor: request.approver, outcome: result.outcome,
      detail: {
        action: action.actionId, subject: action.subjectId ?? null, attempt, policy: action.policy,
        fields: result.fields.map((f) => ({ field: f.field, outcome: f.outcome, ...(shadow ? { wouldWrite: f.after } : {}) })),
      },
    });
  }
  await inTransaction(deps.pool, async (db) => {
    for (const [i, result] of results.entries()) {
      for (const field of result.fields) {
        await recordWrite(db, {
          tenantId: request.tenantId, workflowId: request.workflowId, runId: request.runId, incidentSysId: request.actions[i]!.subjectId ?? '',
          action: result.actionId, field: field.field, beforeValue: field.before, afterValue: field.after,
          status: field.outcome, detail: { attempt, ...(field.currentValue !== undefined ? { currentValue: field.currentValue } : {}) },
        });
      }
    }
    await appendAuditEventsWith(db, events);
  });
  deps.logger.info({ workflowId: request.workflowId, actions: results.map((r) => `${r.actionId}:${r.outcome}`) }, 'actions applied');
}
