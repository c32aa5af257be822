/**
 * What the triage and revert plans share: the tenant and the incident as it is now (read once
 * through the ServiceNow connection the plan's previews then reuse), and the plan itself from
 * the action runtime, with the incident summary these runs keep in their state.
 */
import { contextFactory } from '../action-runtime/connections';
import { preparePlan, type PlanRequest } from '../action-runtime/prepare-plan';
import type { ServiceNowConnection } from '../connectors/servicenow/connection';
import { serviceNowConnector } from '../connectors/servicenow/definition';
import type { Incident } from '../connectors/servicenow/incident';
import { readIncident } from '../connectors/servicenow/incident-record';
import { loadTenant, type TenantContext } from '../tenancy/tenant-context';
import type { IncidentSummary, TriagePlan } from '../triage/types';
import type { ActivityDeps } from './deps';
import { requireVerified } from './failures';

export interface IncidentContext {
  tenant: TenantContext;
  incident: Incident;
  /** Makes the plan with the same connections and reads (the incident is not read twice). */
  plan(request: Omit<PlanRequest, 'planKey'>): Promise<Omit<TriagePlan, 'ruleName' | 'revertOf' | 'leftAlone'>>;
}

function summary(incident: Incident): IncidentSummary {
  return {
    sysId: incident.sysId, number: incident.number, shortDescription: incident.fields.short_description,
    priority: incident.fields.priority, state: incident.fields.state, callerId: incident.fields.caller_id,
    modCount: incident.modCount, updatedBy: incident.fields.sys_updated_by,
  };
}

/**
 * The tenant and its incident as it is now — after checking that the connectors an approval run
 * uses are verified (an unsigned or tampered one stops here).
 */
export async function loadIncidentContext(deps: ActivityDeps, tenantId: string, sysId: string, planKey: string): Promise<IncidentContext> {
  requireVerified(deps, serviceNowConnector.connectorId);
  requireVerified(deps, 'slack');
  const tenant = await loadTenant(deps, tenantId);
  const contexts = contextFactory(deps, tenant, planKey);
  const ctx = await contexts(serviceNowConnector, planKey);
  const incident = await readIncident(ctx as typeof ctx & { connection: ServiceNowConnection }, sysId);
  return {
    tenant, incident,
    plan: async (request) => ({ ...(await preparePlan(deps, tenant, { ...request, planKey }, contexts)), incident: summary(incident) }),
  };
}
