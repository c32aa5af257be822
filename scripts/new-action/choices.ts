/**
 * The first facts a scaffolded action declares, the safe end of each: a read is `read_only`,
 * low risk and needs only a read scope; a write is `external_write`, medium risk, audited, not
 * reversible and deduplicated by the runtime (`required`) until its author says otherwise. The
 * generated test pins whatever the author settles on.
 */
import type { ConnectorFacts, ScopeRef } from './connector-facts';

export type ActionKind = 'read' | 'write';

/** How the connector's actions name the record they work on (ServiceNow: a sys_id). */
export interface RecordId {
  /** How this connector's writes are usually built, pointed to from the write template. */
  writeHint?: string;
  field: string;
  /** The schema expression, and where it is imported from (relative to the action file), if shared. */
  schema: string;
  imported?: { name: string; module: string };
  /** A value the schema accepts, for a read's `sampleInput`. */
  sample: string;
}

const recordIds: Readonly<Record<string, RecordId>> = {
  servicenow: {
    field: 'sysId', schema: 'sysIdSchema', imported: { name: 'sysIdSchema', module: '../schemas' }, sample: '9d385017c611228701d22104cc95c371',
    writeHint: 'An incident field write previews with fieldUpdatePreview and replaces apply with `batch: incidentRecordBatch` (one PATCH per incident, output incidentWriteOutput), as update-assignment.ts does.',
  },
};

const genericRecordId: RecordId = {
  field: 'id', schema: "z.string().min(1).max(200).describe('TODO: the record this action works on')", sample: 'example',
};

export function recordIdFor(connectorId: string): RecordId {
  return recordIds[connectorId] ?? genericRecordId;
}

const scopeName = (ref: ScopeRef): string => ('literal' in ref ? ref.literal : ref.key);

/** A read scope for reads; a read and a write scope for writes (a write previews by reading first). */
export function chooseScopes(facts: ConnectorFacts, kind: ActionKind): { scopes: ScopeRef[]; missingWrite: boolean } {
  const read = facts.scopes.find((s) => /read/i.test(scopeName(s))) ?? facts.scopes[0];
  const write = facts.scopes.find((s) => /write/i.test(scopeName(s)));
  const scopes = [read, ...(kind === 'write' ? [write] : [])].filter((s): s is ScopeRef => s !== undefined);
  return { scopes, missingWrite: kind === 'write' && write === undefined };
}

/** The scope as code: `'contents:read'` or `serviceNowScopes.incidentRead`. */
export function scopeExpression(ref: ScopeRef): string {
  return 'literal' in ref ? `'${ref.literal}'` : `${ref.constant}.${ref.key}`;
}

/** The scope constants the chosen scopes use: name → module relative to the connector directory (`./schemas`). */
export function scopeConstants(scopes: readonly ScopeRef[]): Map<string, string> {
  return new Map(scopes.flatMap((s) => ('literal' in s ? [] : [[s.constant, `./${s.module}`] as const])));
}
