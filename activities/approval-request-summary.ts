/**
 * What the Slack approval request shows, as plain data recorded with the request (the
 * approval_requests row's `summary`), so the console inbox shows approvers the same subject,
 * context and proposed diff without asking the worker. Mirrors connectors/slack/approval-message.ts.
 */
import type { RunPlan } from '../triage/types';

export interface ApprovalSummaryChange {
  field: string;
  from: string;
  to: string;
  derived?: boolean;
  /** work_notes are added, messages posted: there is no earlier value to replace. */
  kind: 'set' | 'added' | 'posted';
}

export interface ApprovalSummaryAction {
  actionId: string;
  title: string;
  kind: 'read' | 'write';
  /** The policy's word on it when it is not a plain "needs approval": blocked, or shadow mode. */
  gate?: string;
  /** For reads: the input, as the Slack message shows it. */
  reads?: string;
  changes: ApprovalSummaryChange[];
}

export interface ApprovalSummary {
  /** "triage of INC0010001". */
  headline: string;
  purpose: string;
  label: string;
  title: string;
  /** The subject's facts, then why the run asks (routing rule, revert requester, or reason). */
  facts: Array<{ label: string; value: string }>;
  warnings: string[];
  revert?: { workflowId: string; runId: string; requestedBy: string; reason: string; leftAlone: string[] };
  actions: ApprovalSummaryAction[];
  approval: { tier: string; group: string; quorum: number; approvers: string[]; excluded: Array<{ approver: string; reason: string }> };
  expiresAt: string;
}

const shown = (value: string | undefined, label: string | undefined): string => label ?? (value || '(empty)');

export function approvalSummary(plan: RunPlan, expiresAt: string): ApprovalSummary {
  const label = plan.subject?.label ?? plan.incident?.number ?? 'request';
  const facts = [...(plan.subject?.facts ?? []).map((f) => ({ label: f.label, value: f.value }))];
  const origin = plan.revertOf ? { label: 'Revert asked for by', value: plan.revertOf.requestedBy }
    : plan.incident ? { label: 'Routing rule', value: plan.ruleName ?? '—' }
      : { label: 'Why', value: plan.reason ?? '—' };
  facts.splice(Math.min(2, facts.length), 0, origin);
  return {
    headline: `${plan.purpose} of ${label}`, purpose: plan.purpose, label,
    title: plan.subject?.title ?? plan.reason ?? '',
    facts,
    warnings: [...(plan.warnings ?? []), ...(plan.flaggedApprovers ?? []).map((f) => `${f.approver}: ${f.reason}`)],
    ...(plan.revertOf ? {
      revert: {
        workflowId: plan.revertOf.workflowId, runId: plan.revertOf.runId, requestedBy: plan.revertOf.requestedBy, reason: plan.revertOf.reason,
        leftAlone: (plan.leftAlone ?? []).map((f) => f.reason === 'already_reverted'
          ? `${f.field}: left alone, it already holds its earlier value`
          : `${f.field}: left alone, changed since the triage (now ${f.currentValue || '(empty)'}, triage wrote ${f.writtenValue || '(empty)'})`),
      },
    } : {}),
    actions: plan.actions.map((a) => ({
      actionId: a.actionId, title: a.title, kind: a.kind,
      ...(a.policy.decision === 'blocked' ? { gate: `blocked — ${a.policy.reason}` } : a.policy.shadow ? { gate: 'shadow mode — recorded, not written' } : {}),
      ...(a.kind === 'read' ? { reads: JSON.stringify(a.input) } : {}),
      changes: a.kind === 'read' ? [] : a.changes.map((c) => ({
        field: c.field, from: shown(c.from, c.fromLabel), to: shown(c.to, c.toLabel),
        kind: c.field === 'work_notes' ? 'added' as const : c.field === 'message' ? 'posted' as const : 'set' as const,
        ...(c.derived ? { derived: true } : {}),
      })),
    })),
    approval: {
      tier: plan.approval.tier, group: plan.approval.group, quorum: plan.approval.quorum, approvers: [...plan.approval.approvers],
      excluded: plan.excludedApprovers.map(({ approver, reason }) => ({ approver, reason })),
    },
    expiresAt,
  };
}
