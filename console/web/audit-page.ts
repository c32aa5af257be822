/**
 * `#/audit`: search the tenant's audit trail by type, actor, connector and time, newest first a
 * page at a time ("Load older events" appends the next page of the same search), with the hash
 * chain's verification status (verified in the background, shown with when).
 */
import { api } from './api';
import { el, replaceChildren, uniqueId } from './dom';
import { loadMore } from './load-more';
import { detailText } from './run-page';
import { timeText, type AuditEventView, type AuditPage, type Verification } from './runs-types';

function verificationLine(v: Verification): HTMLElement {
  const when = `last verified ${timeText(v.verifiedAt)}`;
  return el('p', { id: 'verification', className: `message ${v.ok ? 'verified-ok' : 'message-alert'}`, attrs: { role: 'status', 'data-ok': String(v.ok) } },
    v.ok
      ? `Audit chain verified: ${v.checked} event${v.checked === 1 ? '' : 's'} intact, ${when}.`
      : `Audit chain broken${v.firstBrokenId ? ` at event ${v.firstBrokenId}` : ''}: ${v.reason ?? 'unknown reason'} (${when}).`,
    el('time', { className: 'sr-only', attrs: { datetime: v.verifiedAt } }));
}

const captionText = (shown: number): string => `${shown} event${shown === 1 ? '' : 's'} shown, newest first`;

// tabindex -1: "Load older events" moves focus to the first row it added.
const eventRow = (e: AuditEventView): HTMLTableRowElement => el('tr', { attrs: { 'data-event-type': e.type, 'data-event-id': e.id, tabindex: '-1' } },
  el('td', { attrs: { 'data-label': 'Time' } }, el('time', { text: timeText(e.createdAt), attrs: { datetime: e.createdAt } })),
  el('td', { attrs: { 'data-label': 'Type' }, text: e.type }),
  el('td', { attrs: { 'data-label': 'Actor' }, text: e.actor ?? '—' }),
  el('td', { attrs: { 'data-label': 'Outcome' }, text: e.outcome ?? '—' }),
  el('td', { attrs: { 'data-label': 'Run' } }, e.workflowId ? el('a', { text: e.workflowId, attrs: { href: `#/runs/${encodeURIComponent(e.workflowId)}` } }) : '—'),
  el('td', { className: 'detail', attrs: { 'data-label': 'Detail' }, text: detailText(e.detail) }));

function resultsTable(events: AuditEventView[]): HTMLElement {
  if (events.length === 0) return el('p', { id: 'audit-empty', text: 'No events match this search.' });
  return el('div', { className: 'table-wrap' },
    el('table', { id: 'audit-results', className: 'data' },
      el('caption', { text: captionText(events.length) }),
      el('thead', {}, el('tr', {}, ...['Time', 'Type', 'Actor', 'Outcome', 'Run', 'Detail'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...events.map(eventRow))));
}

/** A `datetime-local` value as ISO 8601 in UTC (the input is the person's local time). */
const toIso = (local: string): string => (local ? new Date(local).toISOString() : '');

/** An ISO 8601 time from the address as a `datetime-local` value in the person's local time ('' when it is not a time). */
function toLocal(iso: string | null): string {
  const at = iso ? new Date(iso) : undefined;
  if (!at || Number.isNaN(at.getTime())) return '';
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The search as it stands in the page's address (`#/audit?type=…&actor=…`), so a link or Back shows the same events. */
const searchFromHash = (): URLSearchParams => new URLSearchParams(window.location.hash.split('?')[1] ?? '');

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
  const given = searchFromHash();
  type.value = given.get('type') ?? '';
  actor.value = given.get('actor') ?? '';
  connector.value = given.get('connector') ?? '';
  since.value = toLocal(given.get('since'));
  until.value = toLocal(given.get('until'));
  const verification = el('div', { id: 'verification-region' }, el('p', { className: 'loading', text: 'Verifying the audit chain…' }));
  // Not a live region: the pager's status line announces how many events are shown, rather than
  // a screen reader reading out every row a page appends.
  const results = el('div', { id: 'audit-results-region' });
  /** The search whose results are on screen, which every further page keeps. */
  let shownSearch = new URLSearchParams();
  const auditUrl = (params: URLSearchParams): string => `/console/api/audit${params.toString() ? `?${params.toString()}` : ''}`;
  const pager = loadMore<AuditEventView>({
    id: 'audit-more',
    label: 'Load older events',
    noun: ['event', 'events'],
    fetchPage: async (cursor) => {
      const params = new URLSearchParams(shownSearch);
      params.set('before', cursor);
      const page = await api.get<AuditPage>(auditUrl(params));
      return { items: page.events, next: page.next };
    },
    append: (events, shown) => {
      const rows = events.map(eventRow);
      results.querySelector('#audit-results tbody')?.append(...rows);
      const caption = results.querySelector('#audit-results caption');
      if (caption) caption.textContent = captionText(shown);
      return rows[0];
    },
  });

  const search = async (): Promise<void> => {
    const params = new URLSearchParams();
    for (const [name, value] of [['type', type.value], ['actor', actor.value], ['connector', connector.value], ['since', toIso(since.value)], ['until', toIso(until.value)]] as const) {
      if (value.trim()) params.set(name, value.trim());
    }
    results.setAttribute('aria-busy', 'true');
    try {
      const { events, next } = await api.get<AuditPage>(auditUrl(params));
      shownSearch = params;
      replaceChildren(results, resultsTable(events));
      pager.reset(events.length, next);
    } catch (err) {
      pager.clear();
      replaceChildren(results, el('p', { className: 'message message-alert', attrs: { role: 'alert' }, text: err instanceof Error ? err.message : 'The search failed.' }));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
    const target = `#/audit${params.toString() ? `?${params.toString()}` : ''}`;
    if (window.location.hash !== target) history.replaceState(null, '', target);
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
    form, results, pager.element);
}
