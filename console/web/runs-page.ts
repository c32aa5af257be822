/**
 * `#/runs`: the tenant's runs from its audit trail, filtered by status and incident, most recently
 * updated first, a page at a time ("Load older runs" appends the next page under the same filters).
 */
import { api } from './api';
import { el, replaceChildren, uniqueId } from './dom';
import { loadMore } from './load-more';
import { RUN_STATUSES, statusLabel, timeText, type RunsPage, type RunSummary } from './runs-types';

/** The filters as they stand in the page's address (`#/runs?status=…&incident=…`). */
function filtersFromHash(): { status: string; incident: string } {
  const query = window.location.hash.split('?')[1] ?? '';
  const params = new URLSearchParams(query);
  return { status: params.get('status') ?? '', incident: params.get('incident') ?? '' };
}

const captionText = (shown: number): string => `${shown} run${shown === 1 ? '' : 's'} shown, most recently updated first`;

// tabindex -1: "Load older runs" moves focus to the first row it added.
const runRow = (r: RunSummary): HTMLTableRowElement => el('tr', { attrs: { 'data-workflow-id': r.workflowId, 'data-status': r.status, tabindex: '-1' } },
  el('td', { attrs: { 'data-label': 'Incident' } }, el('a', { text: r.incident ?? '(unknown)', attrs: { href: `#/runs/${encodeURIComponent(r.workflowId)}` } })),
  el('td', { attrs: { 'data-label': 'Status' } }, el('span', { className: `badge run-status run-${r.status}`, text: statusLabel(r.status) })),
  el('td', { attrs: { 'data-label': 'Run' } }, el('code', { text: r.workflowId })),
  el('td', { attrs: { 'data-label': 'Started' } }, el('time', { text: timeText(r.startedAt), attrs: { datetime: r.startedAt } })),
  el('td', { attrs: { 'data-label': 'Updated' } }, el('time', { text: timeText(r.updatedAt), attrs: { datetime: r.updatedAt } })));

function runsTable(runs: RunSummary[]): HTMLElement {
  if (runs.length === 0) return el('p', { id: 'runs-empty', text: 'No runs match these filters.' });
  return el('div', { className: 'table-wrap' },
    el('table', { id: 'runs', className: 'data' },
      el('caption', { text: captionText(runs.length) }),
      el('thead', {}, el('tr', {}, ...['Incident', 'Status', 'Run', 'Started', 'Updated'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...runs.map(runRow))));
}

export async function runsPage(): Promise<HTMLElement> {
  const filters = filtersFromHash();
  const statusId = uniqueId('run-status');
  const incidentId = uniqueId('run-incident');
  const status = el('select', { id: statusId, attrs: { name: 'status' } },
    el('option', { text: 'Any status', attrs: { value: '' } }),
    ...RUN_STATUSES.map((s) => el('option', { text: statusLabel(s), attrs: { value: s } })));
  status.value = filters.status;
  const incident = el('input', { id: incidentId, attrs: { name: 'incident', type: 'search', autocomplete: 'off', placeholder: 'e.g. INC0010001' } });
  incident.value = filters.incident;
  // Not a live region: the pager's status line announces how many runs are shown, rather than
  // a screen reader reading out every row a page appends.
  const results = el('div', { id: 'runs-results' });
  /** The filters of the list on screen, which every further page keeps. */
  let shownFilters = new URLSearchParams();
  const runsUrl = (params: URLSearchParams): string => `/console/api/runs${params.toString() ? `?${params.toString()}` : ''}`;
  const pager = loadMore<RunSummary>({
    id: 'runs-more',
    label: 'Load older runs',
    noun: ['run', 'runs'],
    fetchPage: async (cursor) => {
      const params = new URLSearchParams(shownFilters);
      params.set('before', cursor);
      const page = await api.get<RunsPage>(runsUrl(params));
      return { items: page.runs, next: page.next };
    },
    append: (runs, shown) => {
      const rows = runs.map(runRow);
      results.querySelector('#runs tbody')?.append(...rows);
      const caption = results.querySelector('#runs caption');
      if (caption) caption.textContent = captionText(shown);
      return rows[0];
    },
  });

  const load = async (): Promise<void> => {
    const params = new URLSearchParams();
    if (status.value) params.set('status', status.value);
    if (incident.value.trim()) params.set('incident', incident.value.trim());
    const query = params.toString();
    results.setAttribute('aria-busy', 'true');
    try {
      const { runs, next } = await api.get<RunsPage>(runsUrl(params));
      shownFilters = params;
      replaceChildren(results, runsTable(runs));
      pager.reset(runs.length, next);
    } catch (err) {
      pager.clear();
      replaceChildren(results, el('p', { className: 'message message-alert', attrs: { role: 'alert' }, text: err instanceof Error ? err.message : 'Could not load the runs.' }));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
    // Keep the filters in the address so Back and a shared link show the same list.
    const target = `#/runs${query ? `?${query}` : ''}`;
    if (window.location.hash !== target) history.replaceState(null, '', target);
  };

  const form = el('form', { className: 'filters card', attrs: { role: 'search', 'aria-label': 'Filter runs' }, on: { submit: (e) => { e.preventDefault(); void load(); } } },
    el('div', { className: 'field' }, el('label', { text: 'Status', attrs: { for: statusId } }), status),
    el('div', { className: 'field' }, el('label', { text: 'Incident', attrs: { for: incidentId } }), incident),
    el('div', { className: 'actions' }, el('button', { text: 'Filter', attrs: { type: 'submit' } })));
  await load();
  return el('section', { attrs: { 'aria-labelledby': 'runs-title' } },
    el('h1', { id: 'runs-title', text: 'Runs' }),
    el('p', { className: 'lead', text: 'Every triage and revert run of this tenant, as its audit trail records it.' }),
    form, results, pager.element);
}
