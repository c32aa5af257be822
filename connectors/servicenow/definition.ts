/**
 * The ServiceNow connector as the marketplace and the runtime see it: one read and the three
 * reversible-subset writes of the triage run. Gates, titles, reversal kinds and writable fields
 * come from `./actions` (what the policy engine uses), so the signed manifest cannot drift from it.
 *
 * To add an action: append a `defineAction({...})` below, list any new table ACL in `scopes`,
 * then `npx tsx scripts/manifests.ts generate && npx tsx scripts/manifests.ts sign`.
 */
import { z } from 'zod';
import type { ActionWriteResult, TriageActionId } from '../../triage/types';
import { codeFilesIn } from '../framework/code-files';
import { defineAction, defineConnector } from '../framework/define-connector';
import type { ActionReversal } from '../framework/types';
import { serviceNowActions, serviceNowConnectorId } from './actions';
import { incidentFieldNames, type Incident } from './incident';

/**
 * Scopes are the table ACL operations the integration user needs (ServiceNow has no OAuth
 * scopes per table): grant them through a role holding exactly these ACLs, e.g. `itil`.
 */
const scope = {
  incidentRead: 'table:incident:read',
  incidentWrite: 'table:incident:write',
  journalRead: 'table:sys_journal_field:read',
} as const;

const sysId = z.string().regex(/^[0-9a-f]{32}$/).describe('The record\'s 32-character sys_id');
const incidentNumber = z.string().regex(/^[A-Z]{2,10}\d{4,12}$/).describe('The incident number, e.g. INC0010001');

const getIncidentInput = z.union([
  z.strictObject({ sysId }),
  z.strictObject({ number: incidentNumber }),
]).describe('Exactly one of sysId or number');

const incidentOutput = z.strictObject({
  sysId,
  number: z.string(),
  modCount: z.number().int().nonnegative().describe('sys_mod_count: increases with every update (used to detect concurrent edits)'),
  fields: z.record(z.enum(incidentFieldNames), z.string()).describe('Raw values; references as sys_ids, "" when empty'),
});

/** Input of a field update: the changes the approver saw, each with the value it replaces. */
function fieldChangesInput(actionId: TriageActionId) {
  const fields = serviceNowActions[actionId].fields;
  const [first, ...rest] = fields;
  if (first === undefined) throw new Error(`${actionId} declares no writable fields`);
  return z.strictObject({
    sysId,
    changes: z.array(z.strictObject({
      field: z.enum([first, ...rest]),
      from: z.string().describe('The value the approver saw; a field that no longer has it is skipped as stale, never overwritten'),
      to: z.string().describe('The approved value'),
    })).min(1),
  });
}

const fieldWriteResult = z.strictObject({
  field: z.string(),
  before: z.string(),
  after: z.string(),
  outcome: z.enum(['applied', 'already_applied', 'skipped_stale']),
  currentValue: z.string().optional().describe('For skipped_stale: the value a human put there after the approval was requested'),
});

function writeResultOutput(actionId: TriageActionId) {
  return z.strictObject({
    actionId: z.literal(actionId),
    outcome: z.enum(['applied', 'already_applied', 'skipped_stale', 'no_change']),
    fields: z.array(fieldWriteResult),
  });
}

// Compile-time guards: the schemas describe exactly what the client and the write activity return.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const incidentShapeMatches: Same<z.infer<typeof incidentOutput>, Incident> = true;
const writeShapeMatches: z.infer<ReturnType<typeof writeResultOutput>> extends ActionWriteResult ? true : false = true;
void incidentShapeMatches;
void writeShapeMatches;

/** How `./actions` says each write is undone, as a manifest reversal. */
function reversalOf(actionId: TriageActionId): ActionReversal {
  if (serviceNowActions[actionId].reversal === 'restore_prior_values') {
    return {
      reversible: true,
      compensatingActionId: actionId,
      procedure: 'Run the same action with the before/after values recorded in write_log swapped; fields changed by a human since are left alone.',
    };
  }
  return {
    reversible: false,
    compensatingActionId: 'servicenow.incident.add_work_note',
    procedure: 'Journal entries cannot be deleted through the Table API: add a correcting work note that references the original one.',
  };
}

const updateAssignment = 'servicenow.incident.update_assignment';
const updateClassification = 'servicenow.incident.update_classification';
const addWorkNote = 'servicenow.incident.add_work_note';

/** The ServiceNow connector. */
export const serviceNowConnector = defineConnector({
  connectorId: serviceNowConnectorId,
  name: 'ServiceNow',
  description: 'Reads incidents and, after approval in Slack, updates their assignment and classification and adds work notes, recording every prior value.',
  category: 'itsm',
  version: '1.0.0',
  status: 'available',
  authType: 'basic',
  additionalAuthTypes: ['oauth'],
  permissionsRequested: ['connector_read', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: [scope.incidentRead, scope.incidentWrite, scope.journalRead],
  actions: [
    defineAction({
      actionId: 'servicenow.incident.get',
      name: 'Fetch incident',
      description: 'Reads one incident by sys_id or number (Table API GET, references flattened to sys_ids). Changes nothing.',
      kind: 'read',
      input: getIncidentInput,
      output: incidentOutput,
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.incidentRead],
      idempotency: 'not_applicable',
      sampleInput: { number: 'INC0010001' },
    }),
    defineAction({
      actionId: updateAssignment,
      name: serviceNowActions[updateAssignment].title,
      description: 'Sets assignment_group and/or assigned_to. Re-reads the incident first: a field already at the approved value is left (already_applied); a field a human changed since the approval request is not overwritten (skipped_stale).',
      kind: 'write',
      input: fieldChangesInput(updateAssignment),
      output: writeResultOutput(updateAssignment),
      approvalGate: serviceNowActions[updateAssignment].gate,
      riskLevel: serviceNowActions[updateAssignment].risk,
      auditRequired: true,
      scopes: [scope.incidentRead, scope.incidentWrite],
      idempotency: 'natural',
      reversal: reversalOf(updateAssignment),
    }),
    defineAction({
      actionId: updateClassification,
      name: serviceNowActions[updateClassification].title,
      description: 'Sets category, subcategory, impact and/or urgency; ServiceNow derives priority from impact × urgency. Same stale-field guard as the assignment update.',
      kind: 'write',
      input: fieldChangesInput(updateClassification),
      output: writeResultOutput(updateClassification),
      approvalGate: serviceNowActions[updateClassification].gate,
      riskLevel: serviceNowActions[updateClassification].risk,
      auditRequired: true,
      scopes: [scope.incidentRead, scope.incidentWrite],
      idempotency: 'natural',
      reversal: reversalOf(updateClassification),
    }),
    defineAction({
      actionId: addWorkNote,
      name: serviceNowActions[addWorkNote].title,
      description: 'Adds an internal work note carrying the run\'s marker. Before writing it searches the journal for the marker, so a retried write never adds the note twice.',
      kind: 'write',
      input: z.strictObject({
        sysId,
        note: z.string().min(1).max(4000),
        marker: z.string().regex(/^\[gatehouse:[^\]^]+\]$/).describe('Idempotency marker contained in the note, e.g. [gatehouse:<run>]'),
      }),
      output: writeResultOutput(addWorkNote),
      approvalGate: serviceNowActions[addWorkNote].gate,
      riskLevel: serviceNowActions[addWorkNote].risk,
      auditRequired: true,
      scopes: [scope.incidentRead, scope.incidentWrite, scope.journalRead],
      idempotency: 'required',
      reversal: reversalOf(addWorkNote),
    }),
  ],
  healthcheck: {
    description: 'GET /api/now/table/incident?sysparm_limit=1 with the tenant\'s credentials: 200 means the instance is reachable and the integration user may read incidents; 401 means bad credentials, 403 missing ACLs.',
  },
  disconnectPolicy: {
    revokeAtProvider: false,
    deleteCredentials: true,
    deleteCachedData: false,
    description: 'Gatehouse deletes the stored password, OAuth client secret and tokens, and the tenant\'s webhook secret, and disables its route tokens. A password cannot be revoked from outside: the ServiceNow admin deactivates the integration user (and the OAuth application entry) and removes the business rule. write_log and audit records are kept (see data retention).',
  },
  dataRetentionPolicy: {
    retainedData: [
      'incident field values before and after each approved write (write_log), needed to revert it',
      'audit events naming the incident number, action, approver and outcome',
      'run history in Temporal (incident summary and proposed changes) for the namespace retention period',
    ],
    retentionDays: null,
    description: 'Kept for the life of the tenant as the record of what Gatehouse changed and how to undo it; deleted with the tenant. Incidents themselves are not copied or synced.',
  },
  // Every code file in the connector's directory, this definition included: a new file is signed with the rest.
  implementationFiles: codeFilesIn('connectors/servicenow'),
});
