/**
 * The workflow's own check of a decision, whichever way it arrived (Slack, API, Temporal
 * signal): the workflow is the final authority on who may decide.
 */
import type { DecisionInput } from '../triage/types';

export type DecisionVerdict = { ok: true } | { ok: false; reason: string };

export function judgeDecision(
  candidate: DecisionInput,
  context: { requestId: string; approvers: readonly string[]; decided?: { approver: string } },
): DecisionVerdict {
  if (context.decided) return { ok: false, reason: `already decided by ${context.decided.approver}` };
  if (candidate.requestId !== context.requestId) return { ok: false, reason: 'this decision is for another approval request' };
  if (candidate.decision !== 'approve' && candidate.decision !== 'deny') return { ok: false, reason: 'decision must be approve or deny' };
  if (!context.approvers.includes(candidate.approver)) {
    return { ok: false, reason: 'you are not an approver for this tenant' };
  }
  return { ok: true };
}
