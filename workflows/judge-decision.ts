/**
 * The workflow's own check of a decision, whichever way it arrived (Slack, API, Temporal
 * signal): the workflow is the final authority on who may decide, and it checks at decision
 * time against the approvers eligible then (escalation can widen them).
 */
import type { DecisionInput, ExcludedApprover } from '../triage/types';

export type DecisionVerdict = { ok: true } | { ok: false; reason: string };

export interface DecisionContext {
  requestId: string;
  eligible: readonly string[];
  excluded: readonly ExcludedApprover[];
  approvedBy: readonly string[];
  quorum: number;
  decided?: { approver: string };
}

export function judgeDecision(candidate: DecisionInput, context: DecisionContext): DecisionVerdict {
  if (context.decided) return { ok: false, reason: `already decided by ${context.decided.approver}` };
  if (candidate.requestId !== context.requestId) return { ok: false, reason: 'this decision is for another approval request' };
  if (candidate.decision !== 'approve' && candidate.decision !== 'deny') return { ok: false, reason: 'decision must be approve or deny' };
  const excluded = context.excluded.find((e) => e.approver === candidate.approver);
  if (excluded) return { ok: false, reason: excluded.reason };
  if (!context.eligible.includes(candidate.approver)) return { ok: false, reason: 'you are not an approver for this request' };
  if (candidate.decision === 'approve' && context.approvedBy.includes(candidate.approver)) {
    return { ok: false, reason: `you already approved; ${context.quorum - context.approvedBy.length} more approval(s) from other approvers needed` };
  }
  return { ok: true };
}
