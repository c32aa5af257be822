/**
 * The Slack approval request and its final form. The request shows what the approval is about
 * (the plan's subject: an incident, a repository file) and the exact proposed diff; once decided
 * the buttons are replaced by the outcome and an audit link.
 */
import type { ActionWriteResult, FieldChange, ProposedAction, RunPlan, RunStatus, TriageState } from '../../triage/types';
import { approveActionId, denyActionId, encodeButtonValue, encodeRevertValue, revertActionId } from './action-ids';
import { clip, escapeMrkdwn, mrkdwn, plain, type Block } from './block-kit';

function changeLine(change: FieldChange): string {
  const from = change.fromLabel ?? (change.from || '(empty)');
  const to = change.toLabel ?? (change.to || '(empty)');
  if (change.field === 'work_notes') return `• *work note* (added): ${escapeMrkdwn(to)}`;
  if (change.field === 'message') return `• *message* (posted): ${escapeMrkdwn(to)}`;
  return `• *${change.field}*: ${escapeMrkdwn(from)} → *${escapeMrkdwn(to)}*${change.derived ? ' _(follows from impact × urgency)_' : ''}`;
}

function actionSection(action: ProposedAction): Block {
  const gate = action.policy.decision === 'blocked' ? `:no_entry: blocked — ${action.policy.reason}`
    : action.policy.shadow ? ':ghost: shadow mode — recorded, not written' : '';
  const lines = action.kind === 'read' ? [`• reads with ${escapeMrkdwn(JSON.stringify(action.input))}`] : action.changes.map(changeLine);
  return { type: 'section', text: mrkdwn(clip(`*${action.title}*${gate ? `  ${gate}` : ''}\n${lines.join('\n')}`)) };
}

/** What the record is called: the subject's label (an incident number). */
function labelOf(plan: RunPlan): string {
  return plan.subject?.label ?? plan.incident?.number ?? 'request';
}

/** Why the run asks: who asked for a revert, the routing rule that matched, or the workflow's reason. */
function originField(plan: RunPlan) {
  if (plan.revertOf) {
    // Asked from Slack it is a user id (mentioned); from the console or the admin API, an e-mail or a name (shown as text).
    const who = plan.revertOf.requestedBy;
    return mrkdwn(`*Revert asked for by*\n${/^[UW][A-Z0-9]{2,}$/.test(who) ? `<@${who}>` : escapeMrkdwn(who)}`);
  }
  if (plan.incident) return mrkdwn(`*Routing rule*\n${escapeMrkdwn(plan.ruleName ?? '—')}`);
  return mrkdwn(`*Why*\n${escapeMrkdwn(plan.reason ?? '—')}`);
}

function subjectSection(plan: RunPlan): Block {
  const subject = plan.subject;
  const facts = subject?.facts ?? [];
  // The origin goes third, where approvers have always found it on a triage request.
  const fields = [...facts.slice(0, 2).map((f) => mrkdwn(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`)), originField(plan),
    ...facts.slice(2).map((f) => mrkdwn(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`))].slice(0, 10);
  return {
    type: 'section',
    text: mrkdwn(clip(`*${escapeMrkdwn(labelOf(plan))}*: ${escapeMrkdwn(subject?.title ?? plan.reason ?? '')}`)),
    fields,
  };
}

/** Warnings approvers must see before deciding: identities that could not be checked. */
function warningSection(plan: RunPlan): Block[] {
  const lines = [
    ...(plan.warnings ?? []).map((w) => `:warning: ${escapeMrkdwn(w)}`),
    ...(plan.flaggedApprovers ?? []).map((f) => `:warning: <@${escapeMrkdwn(f.approver)}>: ${escapeMrkdwn(f.reason)}`),
  ];
  return lines.length ? [{ type: 'section', text: mrkdwn(clip(lines.join('\n'))) }] : [];
}

/** For a revert: which run it undoes, why, and which of that run's fields it leaves alone. */
function revertSection(plan: RunPlan): Block[] {
  const target = plan.revertOf;
  if (!target) return [];
  const leftAlone = (plan.leftAlone ?? []).map((f) => f.reason === 'already_reverted'
    ? `• *${f.field}*: left alone, it already holds its earlier value`
    : `• *${f.field}*: left alone, changed since the triage (now ${escapeMrkdwn(f.currentValue || '(empty)')}, triage wrote ${escapeMrkdwn(f.writtenValue || '(empty)')})`);
  const text = `*Reverts triage run* \`${target.workflowId}/${target.runId}\`\n*Reason*: ${escapeMrkdwn(target.reason)}${leftAlone.length ? `\n${leftAlone.join('\n')}` : ''}`;
  return [{ type: 'section', text: mrkdwn(clip(text)) }];
}

function approverLine(plan: RunPlan): string {
  const a = plan.approval;
  const need = a.quorum > 1 ? `${a.quorum} approvals needed from` : 'Approvers:';
  const excluded = plan.excludedApprovers.length
    ? ` (not ${plan.excludedApprovers.map((e) => `<@${e.approver}>: ${escapeMrkdwn(e.reason)}`).join('; ')})`
    : '';
  return `${need} ${a.approvers.map((id) => `<@${id}>`).join(', ')}${excluded} · ${a.tier} risk, group ${a.group}`;
}

/** What the run asks to do, in a few words: "triage of INC…" or "revert of the triage of INC…". */
function subject(plan: RunPlan): string {
  return `${plan.purpose} of ${labelOf(plan)}`;
}

export function approvalRequestText(plan: RunPlan): string {
  return `Approval needed: ${subject(plan)} (${plan.actions.length} proposed change${plan.actions.length === 1 ? '' : 's'})`;
}

export function approvalRequestBlocks(input: { plan: RunPlan; workflowId: string; requestId: string; expiresAt: string }): Block[] {
  const value = encodeButtonValue({ workflowId: input.workflowId, requestId: input.requestId });
  const header = input.plan.incident ? `${input.plan.revertOf ? 'revert ' : ''}${labelOf(input.plan)}` : `${input.plan.purpose} of ${labelOf(input.plan)}`;
  return [
    { type: 'header', text: plain(clip(`Approval needed: ${header}`, 150)) },
    subjectSection(input.plan),
    ...revertSection(input.plan),
    ...warningSection(input.plan),
    { type: 'divider' },
    ...input.plan.actions.map(actionSection),
    {
      type: 'context',
      elements: [mrkdwn(`${approverLine(input.plan)} · expires ${input.expiresAt} · run \`${input.workflowId}\``)],
    },
    {
      type: 'actions', block_id: 'gatehouse_decision',
      elements: [
        { type: 'button', action_id: approveActionId, style: 'primary', text: plain('Approve'), value },
        { type: 'button', action_id: denyActionId, style: 'danger', text: plain('Deny'), value },
      ],
    },
  ];
}

const statusHeadline: Record<RunStatus, string> = {
  completed: ':white_check_mark: Approved — done',
  completed_with_conflicts: ':warning: Approved — some fields were left alone because they changed after the request',
  denied: ':x: Denied — nothing was written',
  expired: ':hourglass: Expired — nothing was written',
  failed: ':rotating_light: Failed',
  shadow_completed: ':ghost: Approved — shadow mode: the writes were recorded, not made',
  received: 'Received', planning: 'Planning', nothing_to_do: 'Nothing to do', blocked: ':no_entry: Blocked by policy',
  awaiting_approval: 'Awaiting approval', writing: ':gear: Approved — writing', rejected: 'Rejected',
};

function writeLine(write: ActionWriteResult): string {
  return write.fields
    .filter((f) => f.field !== 'work_notes')
    .map((f) => `• *${f.field}*: ${f.outcome.replace(/_/g, ' ')}${f.outcome === 'skipped_stale' ? ` (now ${escapeMrkdwn(f.currentValue ?? '')})` : ''}`)
    .concat(write.fields.some((f) => f.field === 'work_notes') ? [`• *work note*: ${write.outcome.replace(/_/g, ' ')}`] : [])
    .join('\n');
}

export function outcomeText(plan: RunPlan, status: RunStatus, detail: string): string {
  return `${labelOf(plan)}${plan.revertOf ? ' (revert)' : ''}: ${statusHeadline[status].replace(/:[a-z_]+: /, '')} (${detail})`;
}

/** A triage that changed incident fields can be reverted from its outcome message. */
function revertBlock(input: { plan: RunPlan; status: RunStatus; writes: ActionWriteResult[]; workflowId: string; runId?: string }): Block[] {
  const changedFields = input.writes.some((w) => w.fields.some((f) => f.outcome === 'applied' && f.field !== 'work_notes'));
  if (!input.plan.incident || input.plan.revertOf || !input.runId || !changedFields || (input.status !== 'completed' && input.status !== 'completed_with_conflicts')) return [];
  return [{
    type: 'actions', block_id: 'gatehouse_revert',
    elements: [{
      type: 'button', action_id: revertActionId, text: plain('Revert…'),
      value: encodeRevertValue({ workflowId: input.workflowId, runId: input.runId }),
    }],
  }];
}

export function outcomeBlocks(input: {
  plan: RunPlan; status: RunStatus; detail: string; decision?: TriageState['decision'];
  writes: ActionWriteResult[]; auditUrl: string; workflowId: string; runId?: string;
}): Block[] {
  const who = input.decision ? `\nDecided by ${input.decision.approvers.map((a) => `<@${a}>`).join(', ')} via ${input.decision.channel}${input.decision.reason ? `: “${escapeMrkdwn(input.decision.reason)}”` : ''}` : '';
  const blocks: Block[] = [
    { type: 'header', text: plain(clip(`${labelOf(input.plan)}: ${input.plan.revertOf ? 'revert ' : ''}${input.status.replace(/_/g, ' ')}`, 150)) },
    subjectSection(input.plan),
    ...revertSection(input.plan),
    { type: 'section', text: mrkdwn(clip(`${statusHeadline[input.status]}${who}\n${escapeMrkdwn(input.detail)}`)) },
    ...input.plan.actions.map(actionSection),
  ];
  if (input.writes.length) {
    blocks.push({ type: 'section', text: mrkdwn(clip(`*Write-back*\n${input.writes.map(writeLine).join('\n')}`)) });
  }
  blocks.push(...revertBlock(input));
  blocks.push({ type: 'context', elements: [mrkdwn(`<${input.auditUrl}|Audit trail> · run \`${input.workflowId}\``)] });
  return blocks;
}
