/**
 * The state, search attributes, audit and finish steps every approval run (triage, revert)
 * keeps the same way, so operators read both kinds of run alike in the Temporal UI. Workflow code.
 */
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { incidentKey, statusKey, tenantKey } from '../temporal/search-attributes';
import type { DecisionInput, RunStatus, TriageResult, TriageState } from '../triage/types';
import { decideSignal, stateQuery } from './messages';
import { reads } from './run-activities';

const transientStatuses: ReadonlySet<RunStatus> = new Set<RunStatus>(['planning', 'writing']);

export interface RunBookkeeping {
  state: TriageState;
  /** Decisions received and not yet judged, in arrival order. */
  pending: DecisionInput[];
  /** Work started on the side (replies to late clicks) that must finish before the run closes. */
  sideWork: Array<Promise<unknown>>;
  /** The `decide` handler that queues decisions for judging (set again before each approval request). */
  receive(decision: DecisionInput): void;
  audit(type: string, outcome: string, detail?: Record<string, unknown>, actor?: string): Promise<void>;
  setStatus(status: RunStatus, detail?: string): void;
  setIncident(number: string): void;
  finish(status: RunStatus, detail: string): TriageResult;
}

export function startBookkeeping(input: { tenantId: string; tenantSlug: string; incident: string }): RunBookkeeping {
  const { workflowId } = workflowInfo();
  const state: TriageState = {
    status: 'received', tenantSlug: input.tenantSlug, incidentNumber: input.incident, refusedDecisions: [], writes: [],
    approvals: [], eligibleApprovers: [], escalated: false, remindersSent: 0,
  };
  const pending: DecisionInput[] = [];
  setHandler(stateQuery, () => state);
  // A decision without a request id answers the request open as it arrives (none: it answers nothing).
  const receive = (decision: DecisionInput) => void pending.push({ ...decision, requestId: decision.requestId ?? state.requestId ?? '(no request open)' });
  setHandler(decideSignal, receive);
  upsertSearchAttributes([
    { key: tenantKey, value: input.tenantSlug },
    { key: incidentKey, value: state.incidentNumber },
    { key: statusKey, value: state.status },
  ]);

  const setStatus = (status: RunStatus, detail?: string) => {
    state.status = status;
    if (detail !== undefined) state.detail = detail;
    // Statuses that last a moment (planning, writing) are in the state query only: each search
    // attribute update is a history event and a visibility write, and nobody filters for them.
    if (!transientStatuses.has(status)) upsertSearchAttributes([{ key: statusKey, value: status }]);
  };
  return {
    state,
    pending,
    sideWork: [],
    receive,
    audit: (type, outcome, detail = {}, actor) => reads.recordAudit({ tenantId: input.tenantId, workflowId, type, outcome, detail, actor }),
    setStatus,
    setIncident: (number) => {
      state.incidentNumber = number;
      upsertSearchAttributes([{ key: incidentKey, value: number }]);
    },
    finish: (status, detail) => {
      setStatus(status, detail);
      return { status, detail, writes: state.writes, decision: state.decision };
    },
  };
}

/** Marks the run failed for operators (GatehouseStatus = "failed"); the failure stays in the history. */
export async function recordFailure(run: RunBookkeeping, err: unknown): Promise<void> {
  run.setStatus('failed', err instanceof Error ? err.message : String(err));
  await run.audit('run.failed', 'failed', { reason: run.state.detail ?? 'unknown' }).catch(() => undefined);
}
