/**
 * Reads the incident change feed: incidents ordered by (sys_updated_on, sys_id), one page at a
 * time, resuming after a position. Keyset paging, not offsets: an incident edited while a scan
 * runs moves to the end of the order, and with offsets that shift would make the scan skip a
 * neighbour. A page costs one query (two when it resumes inside a second shared by several
 * changes), so reading the feed costs what the changes cost, however large the table is.
 */
import { z } from 'zod';
import type { ServiceNowClient } from './client';
import { ServiceNowApiError } from './errors';

/** What the feed needs from a client (the real {@link ServiceNowClient} or a test double). */
export type IncidentLister = Pick<ServiceNowClient, 'listIncidents'>;

const glideDateTimePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const sysIdPattern = /^[0-9a-f]{32}$/;

/** True for a Table API date-time: `YYYY-MM-DD HH:MM:SS`, UTC (it then sorts as text). */
export function isGlideDateTime(value: string): boolean {
  return glideDateTimePattern.test(value);
}

/** An instant as the Table API writes it (UTC, whole seconds). */
export function toGlideDateTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** `value` moved by `seconds` (negative goes back). */
export function shiftGlideDateTime(value: string, seconds: number): string {
  if (!isGlideDateTime(value)) throw new RangeError(`"${value}" is not a ServiceNow date-time`);
  return toGlideDateTime(new Date(Date.parse(`${value.replace(' ', 'T')}Z`) + seconds * 1000));
}

/** One change in the feed: the incident as of its latest update. */
export interface ChangedIncident {
  sysId: string;
  number: string;
  /** sys_updated_on of the latest update. */
  updatedOn: string;
  /** user_name of whoever made it (the integration user for Gatehouse's own writes). */
  updatedBy: string;
  modCount: string;
}

/** Where a scan stands in the feed. */
export interface ChangePosition {
  /** sys_updated_on to read from: inclusive, unless `afterSysId` is set. */
  updatedOn: string;
  /** Resume after this sys_id among the changes at exactly `updatedOn`. */
  afterSysId?: string;
}

/** One page of the feed. */
export interface ChangedIncidentsPage {
  /** In feed order; never more than the page size. */
  incidents: ChangedIncident[];
  /** Where the next page starts: right after the last incident listed (or `from` when none). */
  next: ChangePosition;
  /** True when the feed held nothing more after `next` at the time of reading. */
  exhausted: boolean;
  /** Table API requests made. */
  requests: number;
}

/** Only what reconciliation reads: a page of these is a few hundred bytes per row. */
export const changeFeedFields = ['sys_id', 'number', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count'] as const;

const changeRowSchema = z.object({
  sys_id: z.string().regex(sysIdPattern),
  number: z.string().default(''),
  sys_updated_on: z.string().regex(glideDateTimePattern),
  sys_updated_by: z.string().default(''),
  sys_mod_count: z.string().default('0'),
});

const orderBy = '^ORDERBYsys_updated_on^ORDERBYsys_id';

/** Strict feed order of two changes. */
function compare(a: { updatedOn: string; sysId: string }, b: { updatedOn: string; sysId: string }): number {
  if (a.updatedOn !== b.updatedOn) return a.updatedOn < b.updatedOn ? -1 : 1;
  return a.sysId < b.sysId ? -1 : a.sysId > b.sysId ? 1 : 0;
}

function parseRows(rows: Array<Record<string, unknown>>): ChangedIncident[] {
  return rows.map((row) => {
    const parsed = changeRowSchema.safeParse(row);
    if (!parsed.success) {
      throw new ServiceNowApiError('invalid_response', `ServiceNow listed an incident without a valid sys_id or sys_updated_on (${parsed.error.issues[0]?.path.join('.') ?? '?'})`);
    }
    const r = parsed.data;
    return { sysId: r.sys_id, number: r.number, updatedOn: r.sys_updated_on, updatedBy: r.sys_updated_by, modCount: r.sys_mod_count };
  });
}

/**
 * The instance silently ignores query parts it cannot parse. A page that is not in feed order,
 * or reaches back before `from`, means our query was not applied as written: paging on would
 * skip changes, so refuse instead.
 */
function assertInOrder(incidents: ChangedIncident[], from: ChangePosition): void {
  let previous: { updatedOn: string; sysId: string } = { updatedOn: from.updatedOn, sysId: from.afterSysId ?? '' };
  incidents.forEach((incident, index) => {
    const order = compare(previous, incident);
    const first = index === 0 && from.afterSysId === undefined;
    if (first ? incident.updatedOn < from.updatedOn : order >= 0) {
      throw new ServiceNowApiError('invalid_response', 'ServiceNow did not apply the change-feed query as written (rows out of order); refusing to page on');
    }
    previous = incident;
  });
}

/**
 * The next page of changes after `from`, at most `pageSize` of them.
 *
 * Ties: many incidents can share one sys_updated_on second (a bulk update). A position inside
 * such a second (`afterSysId`) first drains the rest of that second by sys_id, then moves on to
 * later seconds, so even a second with more changes than a page is read exactly once.
 */
export async function listChangedIncidents(client: IncidentLister, from: ChangePosition, pageSize: number): Promise<ChangedIncidentsPage> {
  if (!isGlideDateTime(from.updatedOn)) throw new ServiceNowApiError('bad_request', `"${from.updatedOn}" is not a ServiceNow date-time`);
  if (from.afterSysId !== undefined && !sysIdPattern.test(from.afterSysId)) throw new ServiceNowApiError('bad_request', `"${from.afterSysId}" is not a sys_id`);
  const fields = [...changeFeedFields];
  const list = async (sysparmQuery: string, limit: number) =>
    parseRows(await client.listIncidents({ sysparmQuery, limit, offset: 0, fields }));

  const incidents: ChangedIncident[] = [];
  let requests = 0;
  let exhausted: boolean;
  if (from.afterSysId !== undefined) {
    const ties = await list(`sys_updated_on=${from.updatedOn}^sys_id>${from.afterSysId}^ORDERBYsys_id`, pageSize);
    requests++;
    incidents.push(...ties);
    if (ties.length < pageSize) {
      const limit = pageSize - ties.length;
      const later = await list(`sys_updated_on>${from.updatedOn}${orderBy}`, limit);
      requests++;
      incidents.push(...later);
      exhausted = later.length < limit;
    } else {
      exhausted = false;
    }
  } else {
    const page = await list(`sys_updated_on>=${from.updatedOn}${orderBy}`, pageSize);
    requests++;
    incidents.push(...page);
    exhausted = page.length < pageSize;
  }
  assertInOrder(incidents, from);
  const last = incidents[incidents.length - 1];
  return { incidents, next: last ? { updatedOn: last.updatedOn, afterSysId: last.sysId } : from, exhausted, requests };
}
