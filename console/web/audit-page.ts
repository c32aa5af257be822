/**
 * `#/audit`: search the tenant's audit trail by type, actor, connector and time, with the hash
 * chain's verification status (verified in the background, shown with when).
 */
import { api } from './api';
import { el, replaceChildren, uniqueId } from './dom';
import { detailText } from './run-page';
import { timeText, type AuditEventView, type Verification } from './runs-types';

function verificationLine(v: Verification): HTMLElement {
  const when = `last verified ${timeText(v.verifiedAt)}`;
  return el('p', { id: 'verification', className: `message ${v.ok ? 'verified-ok' : 'message-alert'}`, attrs: { role: 'status', 'data-ok': String(v.ok) } },
    v.ok
      ? `Audit chain verified: ${v.checked} event${v.checked === 1 ? '' : 's'} intact, ${when}.`
      : `Audit chain broken${v.firstBrokenId ? ` at event ${v.firstBrokenId}` : ''}: ${v.reason ?? 'unknown reason'} (${when}).`,
    el('time', { className: 'sr-only', attrs: { datetime: v.verifiedAt } }));
}

function resultsTable(events: AuditEventView[], limit: number): HTMLElement {
  if (events.length === 0) return el('p', { id: 'audit-empty', text: 'No events match this search.' });
  return el('div', { className: 'table-wrap' },
    el('table', { id: 'audit-results', className: 'data' },
      el('caption', { text: `${events.length} event${events.length === 1 ? '' : 's'}, newest first${events.length >= limit ? ` (the first ${limit}; narrow the search for more)` : ''}` }),
      el('thead', {}, el('tr', {}, ...['Time', 'Type', 'Actor', 'Outcome', 'Run', 'Detail'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...events.map((e) => el('tr', { attrs: { 'data-event-type': e.type } },
        el('td', { attrs: { 'data-label': 'Time' } }, el('time', { text: timeText(e.createdAt), attrs: { datetime: e.createdAt } })),
        el('td', { attrs: { 'data-label': 'Type' }, text: e.type }),
        el('td', { attrs: { 'data-label': 'Actor' }, text: e.actor ?? '—' }),
        el('td', { attrs: { 'data-label': 'Outcome' }, text: e.outcome ?? '—' }),
        el('td', { attrs: { 'data-label': 'Run' } }, e.workflowId ? el('a', { text: e.workflowId, attrs: { href: `#/runs/${encodeURIComponent(e.workflowId)}` } }) : '—'),
        el('td', { className: 'detail', attrs: { 'data-label': 'Detail' }, text: detailText(e.detail) }))))));
}

/** A `datetime-local` value as ISO 8601 in UTC (the input is the person's local time). */
const toIso = (local: string): string => (local ? new Date(local).toISOString() : '');

export async function auditPage(): Promise<HTMLElement> {
  const field = (label: string, input: HTMLInputElement, hint?: string): HTMLElement => {
    const id = uniqueId('audit');
    input.id = id;
    const hintId = hint ? `${id}-hint` : undefined;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    return el('div', { className: 'field' }, el('label', { text: label, attrs: { for: id } }), input, hint && hintId ? el('span', { id: hintId, className: 'rule', text: hint }) : null);
  };
  const type = el('input', { attrs: { name: 'type', type: 'search', autocomplete: 'off' } });
  const actor = el('input', { attrs: { name: 'actor', type: 'search', autocomplete: 'off' } });
  const connector = el('input', { attrs: { name: 'connector', type: 'search', autocomplete: 'off' } });
  const since = el('input', { attrs: { name: 'since', type: 'datetime-local' } });
  const until = el('input', { attrs: { name: 'until', type: 'datetime-local' } });
  const verification = el('div', { id: 'verification-region' }, el('p', { className: 'loading', text: 'Verifying the audit chain…' }));
  const results = el('div', { id: 'audit-results-region', attrs: { 'aria-live': 'polite' } });

  const search = async (): Promise<void> => {
    const params = new URLSearchParams();
    for (const [name, value] of [['type', type.value], ['actor', actor.value], ['connector', connector.value], ['since', toIso(since.value)], ['until', toIso(until.value)]] as const) {
      if (value.trim()) params.set(name, value.trim());
    }
    results.setAttribute('aria-busy', 'true');
    try {
      const { events, limit } = await api.get<{ events: AuditEventView[]; limit: number }>(`/console/api/audit${params.toString() ? `?${params.toString()}` : ''}`);
      replaceChildren(results, resultsTable(events, limit));
    } catch (err) {
      replaceChildren(results, el('p', { className: 'message message-alert', attrs: { role: 'alert' }, text: err instanceof Error ? err.message : 'The search failed.' }));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  };

  void api.get<Verification>('/console/api/audit/verification')
    .then((v) => replaceChildren(verification, verificationLine(v)))
    .catch((err: unknown) => replaceChildren(verification, el('p', { className: 'message message-alert', attrs: { role: 'alert' }, text: err instanceof Error ? err.message : 'The audit chain could not be verified.' })));

  const form = el('form', { className: 'filters card', attrs: { role: 'search', 'aria-label': 'Search the audit trail' }, on: { submit: (e) => { e.preventDefault(); void search(); } } },
    field('Type', type, 'e.g. approval.approved, or approval for every approval event'),
    field('Actor', actor),
    field('Connector', connector, 'e.g. servicenow'),
    field('Since', since, 'your local time'),
    field('Until', until, 'your local time'),
    el('div', { className: 'actions' }, el('button', { text: 'Search', attrs: { type: 'submit' } })));
  await search();
  return el('section', { attrs: { 'aria-labelledby': 'audit-title' } },
    el('h1', { id: 'audit-title', text: 'Audit trail' }),
    verification,
    form, results);
}
