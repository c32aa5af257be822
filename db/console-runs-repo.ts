/**
 * Read models for the console's Runs and Audit trail pages, from the audit trail alone (no
 * Temporal call): a tenant's runs with their incident and latest status, and a search over the
 * tenant's audit events by type, actor, connector and time. Always scoped to one tenant.
 *
 * Both page by keyset, never by OFFSET: a page starts strictly after the last row of the previous
 * one in the list's own order, so rows arriving between two pages neither repeat nor hide a row.
 */
import { auditEventFromRow, type AuditEventRow } from './audit-chain';
import type { AuditEvent } from './audit-repo';
import { isUuid, type Queryable } from './queryable';

/** A run as its audit events describe it. */
export interface RunSummary {
  workflowId: string;
  incident: string | null;
  status: string;
  startedAt: Date;
  updatedAt: Date;
  events: number;
}

export interface RunFilter {
  tenantId: string;
  /** Latest status, exactly (e.g. `completed`, `awaiting_approval`). */
  status?: string;
  /** Incident number (or sys_id); matches any part of it, case-insensitively. */
  incident?: string;
  /** Default 200, at most 1000 (a page: default 50, at most 200). */
  limit?: number;
  /** Only runs after this one in the list's order (the last run of the previous page). */
  after?: RunKey;
  /** This one run only (its own page reads its summary without listing the others). */
  workflowId?: string;
}

/**
 * Where a run stands in the list: its last update, as PostgreSQL's exact text (microseconds: events
 * from before the hash chain were not cut to milliseconds, so a JS Date could round), then its id.
 */
export interface RunKey {
  updatedAt: string;
  workflowId: string;
}

/** One page of runs and where the next one starts (null: this was the last). */
export interface RunsPage {
  runs: RunSummary[];
  next: RunKey | null;
}

/** Event types that belong to a run (triage or revert), as opposed to installs and webhooks alone. */
const RUN_EVENT_TYPES = `(type LIKE 'webhook.%' OR type LIKE 'run.%' OR type LIKE 'approval.%' OR type LIKE 'action.%' OR type LIKE 'revert.%')`;

/** The run status an event moves its run to; NULL for events that do not change it. */
export const STATUS_OF_EVENT = `CASE type
  WHEN 'webhook.accepted' THEN 'received'
  WHEN 'revert.requested' THEN 'received'
  WHEN 'approval.requested' THEN 'awaiting_approval'
  WHEN 'approval.denied' THEN 'denied'
  WHEN 'approval.expired' THEN 'expired'
  WHEN 'run.completed' THEN COALESCE(outcome, 'completed')
  WHEN 'run.failed' THEN 'failed'
  WHEN 'run.blocked' THEN 'blocked'
  WHEN 'run.rejected' THEN 'rejected'
  WHEN 'run.nothing_to_do' THEN 'nothing_to_do'
  ELSE NULL END`;

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rows a page holds when the caller does not say (either list). */
export const PAGE_DEFAULT = 50;

const limitWithin = (limit: number | undefined, fallback: number, max: number): number => Math.min(Math.max(Math.trunc(limit ?? fallback), 1), max);

interface RunRow {
  workflow_id: string;
  incident: string | null;
  status: string | null;
  started_at: Date;
  updated_at: Date;
  updated_key: string;
  events: string;
}

/**
 * The tenant's runs, most recently updated first (ties by workflow id), at most `limit` rows.
 *
 * A run is an aggregate of its audit events, so a run that gets a new event moves to the top of
 * the list: someone paging through sees it on the next fresh load, not again further down. That is
 * the list being current, not a paging fault; a run that did not change keeps its place and is
 * neither repeated nor skipped.
 */
async function queryRuns(db: Queryable, filter: RunFilter, limit: number): Promise<RunRow[]> {
  if (!isUuid(filter.tenantId)) return [];
  const values: unknown[] = [filter.tenantId];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  // Inside the aggregate, so one run's summary reads only that run's events.
  const oneRun = filter.workflowId !== undefined ? ` AND workflow_id = ${param(filter.workflowId)}` : '';
  if (filter.status !== undefined) where.push(`status = ${param(filter.status)}`);
  if (filter.incident !== undefined) where.push(`incident ILIKE ${param(`%${likeLiteral(filter.incident)}%`)}`);
  if (filter.after !== undefined) {
    const updatedAt = param(filter.after.updatedAt);
    const workflowId = param(filter.after.workflowId);
    where.push(`(updated_at < ${updatedAt}::timestamptz OR (updated_at = ${updatedAt}::timestamptz AND workflow_id > ${workflowId}))`);
  }
  const { rows } = await db.query<RunRow>(
    `SELECT *, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_key FROM (
       SELECT workflow_id,
         (array_agg(detail->>'incident' ORDER BY id) FILTER (WHERE detail->>'incident' IS NOT NULL AND detail->>'incident' <> ''))[1] AS incident,
         COALESCE((array_agg(${STATUS_OF_EVENT} ORDER BY id DESC) FILTER (WHERE ${STATUS_OF_EVENT} IS NOT NULL))[1], 'received') AS status,
         min(created_at) AS started_at, max(created_at) AS updated_at, count(*) AS events
       FROM audit_events
       WHERE tenant_id = $1 AND workflow_id IS NOT NULL AND ${RUN_EVENT_TYPES}${oneRun}
       GROUP BY workflow_id
     ) runs
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY updated_at DESC, workflow_id LIMIT ${param(limit)}`,
    values,
  );
  return rows;
}

const runFromRow = (r: RunRow): RunSummary => ({
  workflowId: r.workflow_id, incident: r.incident, status: r.status ?? 'received', startedAt: r.started_at, updatedAt: r.updated_at, events: Number(r.events),
});

/** The tenant's runs, most recently updated first. */
export async function listRuns(db: Queryable, filter: RunFilter): Promise<RunSummary[]> {
  return (await queryRuns(db, filter, limitWithin(filter.limit, 200, 1000))).map(runFromRow);
}

/** Most runs one page holds. */
export const RUNS_PAGE_MAX = 200;

/**
 * One page of the tenant's runs ({@link PAGE_DEFAULT} unless `limit` says, at most
 * {@link RUNS_PAGE_MAX}) after `filter.after`; `next` is where the following page starts, null
 * when no run is left.
 */
export async function listRunsPage(db: Queryable, filter: RunFilter): Promise<RunsPage> {
  const limit = limitWithin(filter.limit, PAGE_DEFAULT, RUNS_PAGE_MAX);
  // One row more than the page tells whether another page exists without a second query.
  const rows = await queryRuns(db, filter, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(runFromRow),
    next: rows.length > limit && last ? { updatedAt: last.updated_key, workflowId: last.workflow_id } : null,
  };
}

export interface AuditSearch {
  tenantId: string;
  /** An exact type (`approval.approved`) or a family (`approval` matches `approval.*`). */
  type?: string;
  /** The actor, exactly (case-insensitive). */
  actor?: string;
  /** A connector id: events naming it (connectorId, an action of it, or its webhook actor). */
  connector?: string;
  since?: Date;
  until?: Date;
  /** Default 200, at most 1000 (a page: default 50, at most 200). */
  limit?: number;
  /** Only events older than this one (by id: the last event of the previous page). */
  beforeId?: string;
}

/** One page of audit events and the id the next one starts before (null: this was the last). */
export interface AuditPage {
  events: AuditEvent[];
  next: string | null;
}

/** The largest audit event id PostgreSQL's bigint holds. */
const MAX_EVENT_ID = 9223372036854775807n;

/** True for a decimal audit event id (a positive bigint), so it can go to PostgreSQL as one. */
export const isAuditEventId = (value: string): boolean => /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_EVENT_ID;

/**
 * The tenant's audit events matching every given condition, newest first (by id: a tenant's ids
 * are taken under its chain lock, so they grow in the order its events commit, and an event
 * committed after a page was read always sorts above that page, never into the pages after it).
 */
export async function searchAudit(db: Queryable, search: AuditSearch): Promise<AuditEvent[]> {
  return querySearch(db, search, limitWithin(search.limit, 200, 1000));
}

/** Most events one page holds. */
export const AUDIT_PAGE_MAX = 200;

/**
 * One page of {@link searchAudit} ({@link PAGE_DEFAULT} events unless `limit` says, at most
 * {@link AUDIT_PAGE_MAX}) before `search.beforeId`; `next` is the id the following page starts
 * before, null when none is left.
 */
export async function searchAuditPage(db: Queryable, search: AuditSearch): Promise<AuditPage> {
  const limit = limitWithin(search.limit, PAGE_DEFAULT, AUDIT_PAGE_MAX);
  const rows = await querySearch(db, search, limit + 1);
  const events = rows.slice(0, limit);
  return { events, next: rows.length > limit ? events[events.length - 1]!.id : null };
}

async function querySearch(db: Queryable, search: AuditSearch, limit: number): Promise<AuditEvent[]> {
  if (!isUuid(search.tenantId)) return [];
  if (search.beforeId !== undefined && !isAuditEventId(search.beforeId)) throw new RangeError('beforeId must be an audit event id');
  const values: unknown[] = [search.tenantId];
  const where = ['tenant_id = $1'];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  if (search.type !== undefined) {
    const exact = param(search.type);
    const family = param(`${likeLiteral(search.type)}.%`);
    where.push(`(type = ${exact} OR type LIKE ${family})`);
  }
  if (search.actor !== undefined) where.push(`lower(actor) = lower(${param(search.actor)})`);
  if (search.connector !== undefined) {
    const id = param(search.connector);
    const prefix = param(`${likeLiteral(search.connector)}.%`);
    where.push(`(detail->>'connectorId' = ${id} OR actor = 'webhook:' || ${id} OR detail->>'action' LIKE ${prefix}
      OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(detail->'actions') = 'array' THEN detail->'actions' ELSE '[]'::jsonb END) AS a(action_id)
                 WHERE a.action_id LIKE ${prefix}))`);
  }
  if (search.since !== undefined) where.push(`created_at >= ${param(search.since)}`);
  if (search.until !== undefined) where.push(`created_at <= ${param(search.until)}`);
  if (search.beforeId !== undefined) where.push(`id < ${param(search.beforeId)}`);
  const { rows } = await db.query<AuditEventRow>(
    `SELECT id, tenant_id, workflow_id, type, actor, outcome, detail, created_at FROM audit_events
     WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${param(limit)}`,
    values,
  );
  return rows.map(auditEventFromRow);
}
