/**
 * `#/runs/:workflowId`: one run — its timeline of audit events, the actions it proposed, the
 * changes it wrote with the values they replaced, who could and did approve, and the run in the
 * Temporal UI when the server knows where that is; and, for a completed run, its revert (asked for
 * by an admin, approved like any write).
 */
import { api } from './api';
import { el } from './dom';
import { revertPanel } from './revert-panel';
import { statusLabel, timeText, type AuditEventView, type RunDetail } from './runs-types';

const NONE = '—';

/** A detail value on one line: text as is, anything structured as compact JSON. */
export function detailText(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join('; ') : NONE;
}

function timeline(events: AuditEventView[], truncated: boolean): HTMLElement {
  return el('section', { className: 'card run-section', attrs: { 'aria-labelledby': 'timeline-title' } },
    el('h2', { id: 'timeline-title', text: 'Timeline' }),
    truncated ? el('p', { className: 'note', text: `Showing the first ${events.length} events; the run may have more.` }) : null,
    el('ol', { id: 'timeline', className: 'timeline' }, ...events.map((e) => el('li', { attrs: { 'data-event-type': e.type } },
      el('time', { text: timeText(e.createdAt), attrs: { datetime: e.createdAt } }), ' ',
      el('strong', { text: e.type }),
      e.outcome ? el('span', { className: 'badge', text: e.outcome }) : null,
      e.actor ? el('span', { className: 'actor', text: ` by ${e.actor}` }) : null,
      el('span', { className: 'rule', text: detailText(e.detail) })))));
}

function changes(detail: RunDetail): HTMLElement {
  const proposed = detail.proposed;
  return el('section', { className: 'card run-section', attrs: { 'aria-labelledby': 'changes-title' } },
    el('h2', { id: 'changes-title', text: 'Changes' }),
    proposed
      ? el('div', {}, el('h3', { text: 'Proposed actions' }),
        el('ul', { id: 'proposed', className: 'plain' }, ...proposed.actions.map((a) => el('li', {}, el('code', { text: a })))))
      : el('p', { text: 'No approval was requested in this run.' }),
    el('h3', { text: 'Written, with the values they replaced' }),
    detail.changes.length === 0
      ? el('p', { id: 'changes-empty', text: 'Nothing was written.' })
      : el('div', { className: 'table-wrap' }, el('table', { id: 'changes', className: 'data' },
        el('thead', {}, el('tr', {}, ...['Action', 'Field', 'Prior value', 'New value', 'Outcome'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
        el('tbody', {}, ...detail.changes.map((c) => el('tr', { attrs: { 'data-field': c.field, 'data-status': c.status } },
          el('td', { attrs: { 'data-label': 'Action' } }, el('code', { text: c.action })),
          el('td', { attrs: { 'data-label': 'Field' } }, el('code', { text: c.field })),
          el('td', { className: 'before', attrs: { 'data-label': 'Prior value' }, text: c.before ? c.before : '(empty)' }),
          el('td', { className: 'after', attrs: { 'data-label': 'New value' }, text: c.after ? c.after : '(empty)' }),
          el('td', { attrs: { 'data-label': 'Outcome' } }, el('span', { className: 'badge', text: statusLabel(c.status) }))))))));
}

function approvers(detail: RunDetail): HTMLElement {
  const a = detail.approval;
  if (!a) {
    return el('section', { className: 'card run-section', attrs: { 'aria-labelledby': 'approvers-title' } },
      el('h2', { id: 'approvers-title', text: 'Approvers' }), el('p', { text: 'No approval was requested in this run.' }));
  }
  const decision = a.decision;
  // A Slack user id with the console account that decides as it, when the tenant has one.
  const who = (id: string): string => (detail.people[id] ? `${detail.people[id]} (${id})` : id);
  return el('section', { className: 'card run-section', attrs: { 'aria-labelledby': 'approvers-title' } },
    el('h2', { id: 'approvers-title', text: 'Approvers' }),
    el('dl', { id: 'approval', className: 'facts' },
      el('dt', { text: 'Request' }), el('dd', { text: `${statusLabel(a.status)} · quorum ${a.quorum}` }),
      el('dt', { text: 'Eligible' }), el('dd', { text: a.eligible.map(who).join(', ') || NONE }),
      el('dt', { text: 'Excluded' }), el('dd', { text: a.excluded.map((x) => `${who(x.approver)}: ${x.reason}`).join(', ') || NONE }),
      el('dt', { text: 'Decision' }),
      el('dd', { id: 'decision', text: decision ? `${decision.decision === 'approve' ? 'Approved' : 'Denied'} by ${decision.approvers.map(who).join(', ') || decision.by || NONE} at ${timeText(decision.at)}` : 'Not decided' })));
}

export async function runPage(workflowId: string): Promise<HTMLElement> {
  const detail = await api.get<RunDetail>(`/console/api/runs/${encodeURIComponent(workflowId)}`);
  const revert = await revertPanel(detail);
  return el('section', { attrs: { 'aria-labelledby': 'run-title' } },
    el('p', {}, el('a', { text: '← All runs', attrs: { href: '#/runs' } })),
    el('h1', { id: 'run-title', text: `Run for ${detail.incident ?? 'an unknown incident'}` }),
    el('dl', { className: 'facts' },
      el('dt', { text: 'Status' }), el('dd', {}, el('span', { id: 'run-status', className: `badge run-status run-${detail.status}`, text: statusLabel(detail.status) })),
      el('dt', { text: 'Run' }), el('dd', {}, el('code', { text: detail.workflowId })),
      el('dt', { text: 'Started' }), el('dd', {}, el('time', { text: timeText(detail.startedAt), attrs: { datetime: detail.startedAt } })),
      el('dt', { text: 'Updated' }), el('dd', {}, el('time', { text: timeText(detail.updatedAt), attrs: { datetime: detail.updatedAt } })),
      el('dt', { text: 'Temporal' }),
      el('dd', {}, detail.temporalUiUrl
        ? el('a', { id: 'temporal-link', text: 'Open in the Temporal UI', attrs: { href: detail.temporalUiUrl, target: '_blank', rel: 'noopener noreferrer' } })
        : el('span', { text: 'The Temporal UI address is not configured.' }))),
    revert,
    approvers(detail),
    changes(detail),
    timeline(detail.events, detail.truncated));
}
