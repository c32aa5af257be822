/** The audit link as a page for people: one table row per event of the run, oldest first. */
import type { AuditEvent } from '../../db/audit-repo';
import { escapeHtml } from './escape-html';
import { htmlDocument } from './html-document';

export interface AuditPageData {
  workflowId: string;
  /** Oldest first, as listAudit returns them. */
  events: AuditEvent[];
  /** True when the read stopped at its limit, so the run may have more events. */
  truncated: boolean;
}

const NONE = '—';

/** A detail value on one line: text as is, anything structured as compact JSON. */
function detailValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `key: value` lines; details come from webhooks and ServiceNow, so keys are escaped as well. */
function detailHtml(detail: Record<string, unknown>): string {
  const lines = Object.entries(detail).map(([key, value]) => `<div>${escapeHtml(`${key}: ${detailValue(value)}`)}</div>`);
  return lines.length > 0 ? lines.join('') : escapeHtml(NONE);
}

/** The incident the run is about, as the first event that names one records it. */
function incidentOf(events: AuditEvent[]): string | undefined {
  for (const event of events) {
    const incident = event.detail.incident;
    if (typeof incident === 'string' && incident !== '') return incident;
  }
  return undefined;
}

// data-label feeds the stacked layout on narrow screens (see html-document.ts).
const cell = (label: string, contentHtml: string, className?: string): string =>
  `<td data-label="${escapeHtml(label)}"${className ? ` class="${escapeHtml(className)}"` : ''}>${contentHtml}</td>`;

function rowHtml(event: AuditEvent): string {
  const time = event.createdAt.toISOString();
  return `<tr data-event-type="${escapeHtml(event.type)}">`
    + cell('Time (UTC)', `<time datetime="${escapeHtml(time)}">${escapeHtml(time)}</time>`)
    + cell('Type', escapeHtml(event.type))
    + cell('Actor', escapeHtml(event.actor ?? NONE))
    + cell('Outcome', escapeHtml(event.outcome ?? NONE))
    + cell('Detail', detailHtml(event.detail), 'detail')
    + '</tr>';
}

/** The whole page: pure, so it is the same for the same data. */
export function renderAuditPage(data: AuditPageData): string {
  const incident = incidentOf(data.events);
  const header = `<h1>Audit trail — <code>${escapeHtml(data.workflowId)}</code></h1>`
    + (incident === undefined ? '' : `<p id="incident">Incident <strong>${escapeHtml(incident)}</strong></p>`);
  const summary = data.events.length === 0
    ? '<p>No events are recorded for this run.</p>'
    : `<p>${escapeHtml(`${data.events.length} event${data.events.length === 1 ? '' : 's'}, oldest first. Read-only.`)}</p>`;
  const truncated = data.truncated ? `<p>${escapeHtml(`Showing the first ${data.events.length} events; the run may have more.`)}</p>` : '';
  const table = data.events.length === 0 ? '' : `<table id="audit-events">
<thead><tr><th>Time (UTC)</th><th>Type</th><th>Actor</th><th>Outcome</th><th>Detail</th></tr></thead>
<tbody>
${data.events.map(rowHtml).join('\n')}
</tbody>
</table>`;
  return htmlDocument(`Audit trail — ${data.workflowId}`, `<header>${header}</header>\n${summary}${truncated}\n${table}`);
}
