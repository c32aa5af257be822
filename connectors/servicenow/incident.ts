/**
 * The incident as Gatehouse sees it: ServiceNow's raw Table API record (all values strings,
 * references as `{link, value}` or `""`) parsed by a provider schema and flattened to raw values.
 */
import { z } from 'zod';

const referenceSchema = z.object({ value: z.string(), link: z.string().optional() });
const rawValueSchema = z.union([z.string(), referenceSchema]);

/** Provider schema of one Table API record. Unknown fields are kept (ServiceNow has many). */
export const rawIncidentSchema = z
  .record(z.string(), rawValueSchema.or(z.null()))
  .refine((r) => typeof r['sys_id'] === 'string' && /^[0-9a-f]{32}$/.test(r['sys_id']), {
    message: 'record has no valid sys_id',
  });

/** Fields Gatehouse reads, proposes changes to, or guards against concurrent edits. */
export const incidentFieldNames = [
  'sys_id', 'number', 'short_description', 'description', 'category', 'subcategory',
  'impact', 'urgency', 'priority', 'state', 'assignment_group', 'assigned_to', 'caller_id', 'opened_by',
  'cmdb_ci', 'close_code', 'close_notes', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count',
] as const;
export type IncidentFieldName = (typeof incidentFieldNames)[number];

/** A normalised incident: every field as its raw string value ("" when empty). */
export interface Incident {
  sysId: string;
  number: string;
  modCount: number;
  fields: Record<IncidentFieldName, string>;
}

/** Normalises a raw Table API record (throws a ZodError on a record without sys_id). */
export function parseIncident(raw: unknown): Incident {
  const record = rawIncidentSchema.parse(raw);
  const flat = {} as Record<IncidentFieldName, string>;
  for (const name of incidentFieldNames) {
    const value = record[name];
    flat[name] = value === undefined || value === null ? '' : typeof value === 'string' ? value : value.value;
  }
  return {
    sysId: flat.sys_id,
    number: flat.number,
    modCount: Number.parseInt(flat.sys_mod_count || '0', 10),
    fields: flat,
  };
}

/** ServiceNow's base priority lookup: priority = impact + urgency − 1. */
export function priorityFor(impact: string, urgency: string): string {
  const i = Number.parseInt(impact, 10);
  const u = Number.parseInt(urgency, 10);
  if (!Number.isInteger(i) || !Number.isInteger(u)) return '';
  return String(i + u - 1);
}

export const priorityLabels: Record<string, string> = {
  '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning',
};

export const stateLabels: Record<string, string> = {
  '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled',
};
