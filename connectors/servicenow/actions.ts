/**
 * The ServiceNow write actions the triage run may take, with the facts the policy engine and
 * (later) the signed manifest need about each. One entry per action; the write itself lives in
 * activities/apply-incident-write.ts.
 */
import type { RiskTier } from '../../policy/policy-document';
import type { ApprovalGate } from '../../policy/verdict';
import type { TriageActionId } from '../../triage/types';

export interface ServiceNowActionSpec {
  title: string;
  gate: ApprovalGate;
  /** Risk tier: picks the approver group, quorum and timeout from the tenant's policy. */
  risk: RiskTier;
  idempotent: true;
  /** How a write is undone: field updates restore the recorded prior value; a note cannot be deleted, only followed by a correcting note. */
  reversal: 'restore_prior_values' | 'correcting_work_note';
  fields: readonly string[];
}

export const serviceNowActions: Record<TriageActionId, ServiceNowActionSpec> = {
  'servicenow.incident.update_assignment': {
    title: 'Update assignment group / assignee',
    gate: 'external_write', risk: 'medium', idempotent: true, reversal: 'restore_prior_values',
    fields: ['assignment_group', 'assigned_to'],
  },
  'servicenow.incident.update_classification': {
    title: 'Update category / priority',
    gate: 'external_write', risk: 'medium', idempotent: true, reversal: 'restore_prior_values',
    fields: ['category', 'subcategory', 'impact', 'urgency'],
  },
  'servicenow.incident.add_work_note': {
    title: 'Add a work note',
    gate: 'external_write', risk: 'low', idempotent: true, reversal: 'correcting_work_note',
    fields: ['work_notes'],
  },
};

export const serviceNowConnectorId = 'servicenow';
