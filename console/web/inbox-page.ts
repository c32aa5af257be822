/**
 * The approvals inbox: the open approval requests the signed-in account may decide, each with what
 * the Slack message shows (the subject, why the run asks, warnings, the exact proposed diff, who
 * may decide and by when), and Approve / Deny buttons that take the same path as a Slack click
 * (the run judges the decision). Polls every 3 s for new requests; outcomes are announced in a
 * polite live region.
 */
import { api, ApiError } from './api';
import { append, el, messageRegion, replaceChildren } from './dom';

interface SummaryChange { field: string; from: string; to: string; derived?: boolean; kind: 'set' | 'added' | 'posted' }
interface SummaryAction { actionId: string; title: string; kind: 'read' | 'write'; gate?: string; reads?: string; changes: SummaryChange[] }
interface Summary {
  headline: string;
  label: string;
  title: string;
  facts: Array<{ label: string; value: string }>;
  warnings: string[];
  revert?: { workflowId: string; runId: string; requestedBy: string; reason: string; leftAlone: string[] };
  actions: SummaryAction[];
  approval: { tier: string; group: string; quorum: number; approvers: string[]; excluded: Array<{ approver: string; reason: string }> };
}
interface PendingApproval {
  workflowId: string;
  requestId: string;
  quorum: number;
  approvers: string[];
  expiresAt: string;
  createdAt: string;
  summary: Summary | null;
}
/** The console account (e-mail) that decides as each Slack user id shown, where there is one. */
type People = Record<string, string>;
interface Inbox { approverId: string | null; approvals: PendingApproval[]; people: People }

export const INBOX_POLL_MS = 3000;

function changeRow(change: SummaryChange): HTMLElement {
  const from = change.kind === 'set' ? change.from : change.kind === 'added' ? '(note added)' : '(message posted)';
  return el('tr', {},
    el('th', { attrs: { scope: 'row' }, text: change.kind === 'added' && change.field === 'work_notes' ? 'work note' : change.field }),
    el('td', { className: 'diff-from', text: from }),
    el('td', { className: 'diff-to' }, el('strong', { text: change.to }), change.derived ? el('span', { className: 'rule', text: 'follows from impact × urgency' }) : null));
}

function actionBlock(action: SummaryAction, index: number, idPrefix: string): HTMLElement {
  const captionId = `${idPrefix}-action-${index}`;
  return el('div', { className: 'inbox-action', attrs: { 'data-action-id': action.actionId } },
    el('h3', { id: captionId, text: action.title }),
    action.gate ? el('p', { className: 'note', text: action.gate }) : null,
    action.kind === 'read'
      ? el('p', {}, 'Reads with ', el('code', { text: action.reads ?? '' }))
      : el('div', { className: 'table-wrap' },
        el('table', { className: 'diff', attrs: { 'aria-labelledby': captionId } },
          el('thead', {}, el('tr', {}, el('th', { attrs: { scope: 'col' }, text: 'Field' }), el('th', { attrs: { scope: 'col' }, text: 'Now' }), el('th', { attrs: { scope: 'col' }, text: 'Proposed' }))),
          el('tbody', {}, ...action.changes.map(changeRow)))));
}

function approvalCard(item: PendingApproval, people: People, onDecide: (item: PendingApproval, decision: 'approve' | 'deny', card: HTMLElement) => void): HTMLElement {
  const idPrefix = `approval-${item.requestId}`;
  const titleId = `${idPrefix}-title`;
  const s = item.summary;
  const headline = s ? `Approval needed: ${s.headline}` : `Approval needed: run ${item.workflowId}`;
  const card = el('article', { className: 'card approval', attrs: { 'aria-labelledby': titleId, 'data-workflow-id': item.workflowId, 'data-request-id': item.requestId } });
  const approve = el('button', { text: 'Approve', attrs: { type: 'button', 'aria-describedby': titleId }, on: { click: () => onDecide(item, 'approve', card) } });
  const deny = el('button', { className: 'danger', text: 'Deny', attrs: { type: 'button', 'aria-describedby': titleId }, on: { click: () => onDecide(item, 'deny', card) } });
  const approval = s?.approval;
  const who = (id: string): string => (people[id] ? `${people[id]} (${id})` : id);
  const whoLine = approval
    ? `${approval.quorum > 1 ? `${approval.quorum} approvals needed from` : 'Approvers:'} ${approval.approvers.map(who).join(', ')}${approval.excluded.length ? ` (not ${approval.excluded.map((e) => `${who(e.approver)}: ${e.reason}`).join('; ')})` : ''} · ${approval.tier} risk, group ${approval.group}`
    : `Approvers: ${item.approvers.map(who).join(', ')} · quorum ${item.quorum}`;
  append(card,
    el('h2', { id: titleId, text: headline }),
    s ? el('p', { className: 'summary' }, el('strong', { text: s.label }), `: ${s.title}`) : el('p', { className: 'lead', text: 'This request was posted before the console recorded its details; see the Slack message.' }),
    s && s.facts.length ? el('dl', { className: 'facts' }, ...s.facts.flatMap((f) => [el('dt', { text: f.label }), el('dd', { text: f.value })])) : null,
    s?.revert ? el('div', { className: 'note' },
      el('p', {}, 'Reverts triage run ', el('code', { text: `${s.revert.workflowId}/${s.revert.runId}` }), `. Reason: ${s.revert.reason}`),
      s.revert.leftAlone.length ? el('ul', { className: 'notes' }, ...s.revert.leftAlone.map((l) => el('li', { text: l }))) : null) : null,
    s && s.warnings.length ? el('ul', { className: 'notes warnings' }, ...s.warnings.map((w) => el('li', { text: `Warning: ${w}` }))) : null,
    ...(s ? s.actions.map((a, i) => actionBlock(a, i, idPrefix)) : []),
    el('p', { className: 'rule', text: `${whoLine} · expires ${new Date(item.expiresAt).toLocaleString()} · run ${item.workflowId}` }),
    el('div', { className: 'actions' }, approve, deny));
  return card;
}

export async function inboxPage(): Promise<HTMLElement> {
  const status = messageRegion('status');
  status.id = 'inbox-status';
  status.setAttribute('tabindex', '-1');
  const alert = messageRegion('alert');
  const list = el('div', { id: 'approvals', className: 'approval-list' });
  const empty = el('p', { className: 'lead', text: 'Nothing is waiting for your decision.' });
  const page = el('section', { attrs: { 'aria-labelledby': 'inbox-title' } },
    el('h1', { id: 'inbox-title', text: 'Approvals inbox' }),
    el('p', { className: 'lead', text: 'Requests you may decide, with the same context and proposed changes as the Slack message. A decision here counts exactly as one in Slack.' }),
    status, alert, list);

  const cards = new Map<string, HTMLElement>();
  /** Requests decided here: kept off the list until the run closes them. */
  const decided = new Set<string>();

  async function decide(item: PendingApproval, decision: 'approve' | 'deny', card: HTMLElement): Promise<void> {
    const buttons = [...card.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    alert.textContent = '';
    const what = item.summary?.headline ?? `run ${item.workflowId}`;
    try {
      await api.post(`/console/api/approvals/${encodeURIComponent(item.workflowId)}/decision`, { decision, requestId: item.requestId });
      decided.add(item.requestId);
      card.remove();
      cards.delete(item.requestId);
      status.textContent = `${decision === 'approve' ? 'Approved' : 'Denied'}: ${what}. The run records your decision.`;
      if (cards.size === 0 && !list.contains(empty)) list.appendChild(empty);
      status.focus();
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      alert.textContent = `Your decision on ${what} was not recorded: ${err instanceof Error ? err.message : 'unknown error'}`;
      if (err instanceof ApiError && err.status === 409) {
        card.remove();
        cards.delete(item.requestId);
      }
    }
  }

  const onDecide = (item: PendingApproval, decision: 'approve' | 'deny', card: HTMLElement) => void decide(item, decision, card);

  /** Adds new requests and removes closed ones, leaving the rest (and the focus) alone. */
  function show(inbox: Inbox): void {
    if (!inbox.approverId) {
      replaceChildren(list, el('p', { className: 'note', text: 'Your account has no approver id, so it cannot decide approvals. An operator can set one (your Slack user id) on the account.' }));
      return;
    }
    const open = inbox.approvals.filter((a) => !decided.has(a.requestId));
    const ids = new Set(open.map((a) => a.requestId));
    for (const [id, card] of cards) {
      if (!ids.has(id)) {
        card.remove();
        cards.delete(id);
      }
    }
    for (const item of open) {
      if (cards.has(item.requestId)) continue;
      const card = approvalCard(item, inbox.people ?? {}, onDecide);
      cards.set(item.requestId, card);
      list.appendChild(card);
    }
    if (cards.size === 0) {
      if (!list.contains(empty)) list.appendChild(empty);
    } else {
      empty.remove();
    }
  }

  const load = () => api.get<Inbox>('/console/api/approvals');
  try {
    show(await load());
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) {
      replaceChildren(list, el('p', { className: 'note', text: `You cannot decide approvals: ${err.message}.` }));
      return page;
    }
    throw err;
  }

  // Polls while the page is shown; a failed poll is said once and retried.
  const poll = async (): Promise<void> => {
    // Another page replaced this one: stop.
    if (!page.isConnected) return;
    try {
      show(await load());
      if (alert.dataset['poll'] === 'failed') {
        alert.textContent = '';
        delete alert.dataset['poll'];
      }
    } catch (err) {
      if (!page.isConnected) return;
      alert.dataset['poll'] = 'failed';
      alert.textContent = `Could not refresh the inbox: ${err instanceof Error ? err.message : 'unknown error'}`;
    }
    window.setTimeout(() => void poll(), INBOX_POLL_MS);
  };
  window.setTimeout(() => void poll(), INBOX_POLL_MS);
  return page;
}
