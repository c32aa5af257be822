/**
 * The Revert section of a run page. An admin asks for a completed run's changes to be put back:
 * an inline confirmation lists each field with the value it goes back to and asks why; the revert
 * run then waits for an approver (in Slack or the console inbox) like any write, and this section
 * follows it every 2 s until it is restored or ends otherwise. Other roles read the state only.
 */
import { api, session } from './api';
import { el, messageRegion, replaceChildren, uniqueId } from './dom';
import type { RunDetail } from './runs-types';
import { statusLabel, timeText } from './runs-types';
import { revertIsOpen, revertOutcomeText, revertRestored, type RevertRestore, type RevertStarted, type RevertSummary, type RevertView } from './revert-types';

export const REVERT_POLL_MS = 2000;

/** Run statuses whose changes a revert may put back. */
const REVERTIBLE_RUN_STATUSES: ReadonlySet<string> = new Set(['completed', 'completed_with_conflicts']);

const shown = (value: string | null): string => (value ? value : '(empty)');

function restoresTable(restores: RevertRestore[]): HTMLElement {
  return el('div', { className: 'table-wrap' }, el('table', { id: 'revert-restores', className: 'data' },
    el('caption', { text: 'Each field goes back to the value it held before the run' }),
    el('thead', {}, el('tr', {}, ...['Field', 'Now', 'Back to'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
    el('tbody', {}, ...restores.map((r) => el('tr', { attrs: { 'data-field': r.field } },
      el('th', { attrs: { scope: 'row', 'data-label': 'Field' } }, el('code', { text: r.field })),
      el('td', { className: 'after', attrs: { 'data-label': 'Now' }, text: shown(r.from) }),
      el('td', { className: 'before', attrs: { 'data-label': 'Back to' }, text: shown(r.to) }))))));
}

function revertLinks(revert: RevertSummary): HTMLElement {
  return el('p', { className: 'revert-links' },
    el('a', { text: 'Open the Inbox', attrs: { href: '#/inbox' } }), ' · ',
    el('a', { id: 'revert-run-link', text: 'Open the revert run', attrs: { href: `#/runs/${encodeURIComponent(revert.workflowId)}` } }));
}

export async function revertPanel(detail: RunDetail): Promise<HTMLElement | null> {
  const path = `/console/api/runs/${encodeURIComponent(detail.workflowId)}/revert`;
  let view: RevertView;
  try {
    view = await api.get<RevertView>(path);
  } catch (err) {
    // The rest of the run page stands without this section.
    return el('section', { id: 'revert', className: 'card run-section', attrs: { 'aria-labelledby': 'revert-title' } },
      el('h2', { id: 'revert-title', text: 'Revert' }),
      el('p', { className: 'message message-alert', attrs: { role: 'alert' }, text: `Could not read the revert state: ${err instanceof Error ? err.message : 'unknown error'}` }));
  }
  const ownRevert = view.revert && (view.revert.triageRunId === view.runId || revertIsOpen(view.revert)) ? view.revert : null;
  if (view.restores.length === 0 && !ownRevert) return null;

  const isAdmin = session()?.account.role === 'admin';
  const body = el('div', { id: 'revert-body' });
  const status = messageRegion('status');
  status.id = 'revert-status';
  const alert = messageRegion('alert');
  alert.id = 'revert-alert';
  const section = el('section', { id: 'revert', className: 'card run-section', attrs: { 'aria-labelledby': 'revert-title' } },
    el('h2', { id: 'revert-title', text: 'Revert' }), body, status, alert);

  // The last revert that closed, whose links stay on show (with the offer to ask again, unless it restored).
  let lastClosed: RevertSummary | null = null;
  const idle = () => {
    replaceChildren(body, lastClosed ? revertLinks(lastClosed) : null);
    if (!lastClosed || !revertRestored(lastClosed)) offer();
  };

  // Shown once the revert run closes; polling stops there or when another page replaces this one.
  const closed = (revert: RevertSummary) => {
    section.dataset['revertStatus'] = revert.status;
    status.textContent = revertOutcomeText(revert.status);
    lastClosed = revert;
    idle();
  };

  const waiting = (revert: RevertSummary, earlier: string | null = null) => {
    section.dataset['revertStatus'] = revert.status;
    replaceChildren(body,
      el('p', { id: 'revert-waiting' },
        `A revert was asked for${revert.requestedBy ? ` by ${revert.requestedBy}` : ''} at ${timeText(revert.requestedAt)}: `,
        el('strong', { text: statusLabel(revert.status) }),
        '. An approver decides it in Slack or in the console Inbox.'),
      revert.reason ? el('p', {}, 'Reason: ', el('q', { text: revert.reason })) : null,
      revertLinks(revert));
    // The section is built before the page shows it: a few early polls may find it not yet in place.
    let shownOnce = false;
    let unplacedPolls = 0;
    const poll = async (): Promise<void> => {
      if (!section.isConnected) {
        if (shownOnce || ++unplacedPolls > 5) return;
        window.setTimeout(() => void poll(), REVERT_POLL_MS);
        return;
      }
      shownOnce = true;
      try {
        const next = (await api.get<RevertView>(path)).revert;
        if (!section.isConnected) return;
        alert.textContent = '';
        // The revert id is reused: until the new run has recorded its request, the latest one read is the earlier revert.
        if (next && next.workflowId === revert.workflowId && next.requestedAt !== earlier && !revertIsOpen(next)) {
          closed(next);
          return;
        }
        if (next && next.requestedAt !== earlier) section.dataset['revertStatus'] = next.status;
      } catch (err) {
        if (!section.isConnected) return;
        alert.textContent = `Could not refresh the revert: ${err instanceof Error ? err.message : 'unknown error'}`;
      }
      window.setTimeout(() => void poll(), REVERT_POLL_MS);
    };
    window.setTimeout(() => void poll(), REVERT_POLL_MS);
  };

  const confirmation = () => {
    const headingId = uniqueId('revert-confirm-title');
    const reasonId = uniqueId('revert-reason');
    const hintId = uniqueId('revert-reason-hint');
    const { min, max } = view.reasonLength;
    const reason = el('input', {
      id: reasonId,
      attrs: { type: 'text', required: '', minlength: String(min), maxlength: String(max), autocomplete: 'off', 'aria-describedby': hintId },
    });
    const ask = el('button', { text: 'Ask for approval to revert', attrs: { type: 'button' } });
    const cancel = el('button', { className: 'secondary-light', text: 'Cancel', attrs: { type: 'button' } });
    cancel.addEventListener('click', () => {
      alert.textContent = '';
      idle();
      body.querySelector<HTMLButtonElement>('#revert-open')?.focus();
    });
    const submit = () => {
      const text = reason.value.trim();
      if (text.length < min) {
        reason.setAttribute('aria-invalid', 'true');
        alert.textContent = `Say why in a few words (at least ${min} characters).`;
        reason.focus();
        return;
      }
      reason.removeAttribute('aria-invalid');
      alert.textContent = '';
      ask.disabled = true;
      cancel.disabled = true;
      status.textContent = 'Asking for approval…';
      api.post<RevertStarted>(path, { reason: text, ...(view.runId ? { runId: view.runId } : {}) }).then((started) => {
        status.textContent = 'Revert asked for: it now waits for an approver.';
        waiting({
          workflowId: started.workflowId, triageRunId: view.runId, requestedBy: session()?.account.email ?? null, reason: text,
          requestedAt: new Date().toISOString(), status: 'awaiting_approval', updatedAt: new Date().toISOString(),
        }, lastClosed?.requestedAt ?? view.revert?.requestedAt ?? null);
      }, (err: unknown) => {
        status.textContent = '';
        alert.textContent = `No revert started: ${err instanceof Error ? err.message : 'the server did not answer'}`;
        ask.disabled = false;
        cancel.disabled = false;
      });
    };
    ask.addEventListener('click', submit);
    reason.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        submit();
      }
    });
    replaceChildren(body, el('div', { className: 'revert-confirm note', attrs: { role: 'group', 'aria-labelledby': headingId } },
      el('h3', { id: headingId, text: 'Put these fields back?' }),
      restoresTable(view.restores),
      el('p', { text: 'The revert is a run of its own: nothing changes until an approver approves it.' }),
      el('div', { className: 'field' },
        el('label', { attrs: { for: reasonId }, text: 'Why revert?' }),
        reason,
        el('span', { id: hintId, className: 'hint', text: `A sentence for the approvers, ${min} to ${max} characters.` })),
      el('div', { className: 'actions' }, ask, cancel)));
    reason.focus();
  };

  // The offer to revert: a button for admins, a sentence for everyone else.
  function offer(): void {
    if (view.restores.length === 0 || !REVERTIBLE_RUN_STATUSES.has(detail.status)) return;
    if (!isAdmin) {
      body.appendChild(el('p', { id: 'revert-admin-only', text: 'Only a tenant admin can ask for a revert of this run.' }));
      return;
    }
    const button = el('button', { id: 'revert-open', className: 'danger', text: 'Revert', attrs: { type: 'button' } });
    button.addEventListener('click', confirmation);
    body.appendChild(el('div', { className: 'actions' }, button));
  }

  if (ownRevert && revertIsOpen(ownRevert)) waiting(ownRevert);
  else if (ownRevert) closed(ownRevert);
  else idle();
  return section;
}
