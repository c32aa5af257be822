/**
 * Whether the admin API refuses a decision outright, from the run's latest approval request as
 * recorded in PostgreSQL (never by asking the worker): no request open, the request expired,
 * another request named, or an approver who may not decide it — with the reason, instead of a
 * "submitted" the run would then refuse. What passes still goes to the run, which judges it
 * again (quorum, repeats, whether an escalation approver's turn has come).
 */
import type { ApprovalRequestRow } from '../../db/approval-requests-repo';
import { HttpError } from '../http-error';

export interface ApiDecision {
  approver: string;
  requestId?: string;
}

/** The answer when the run has no request a decision could be for (none posted yet, or it ended). */
export function noOpenRequest(why?: string): HttpError {
  return new HttpError(409, 'no_open_request', `no approval request is open for this run${why ? ` (${why})` : ''}`);
}

/** The refusal of `decision` for the run's latest `request`, or undefined when it goes to the run. */
export function decisionRefusal(request: ApprovalRequestRow, decision: ApiDecision, nowMs: number): HttpError | undefined {
  if (decision.requestId !== undefined && decision.requestId !== request.requestId) {
    return new HttpError(409, 'request_not_open', `approval request ${decision.requestId} is not the one open for this run`);
  }
  if (request.status === 'expired' || (request.status === 'open' && request.expiresAt.getTime() <= nowMs)) {
    return new HttpError(409, 'request_expired', `the approval request expired at ${request.expiresAt.toISOString()}`);
  }
  if (request.status !== 'open') return noOpenRequest(`the last one was ${request.status}`);
  const excluded = request.excluded.find((e) => e.approver === decision.approver);
  if (excluded) return new HttpError(403, 'not_eligible', excluded.reason);
  if (!request.approvers.includes(decision.approver)) return new HttpError(403, 'not_eligible', 'not an approver for this request');
  return undefined;
}
