/**
 * Custom search attributes Gatehouse sets on its runs, so operators can filter runs in the
 * Temporal Web UI (e.g. `GatehouseTenant = "acme" AND GatehouseStatus = "awaiting_approval"`).
 * Workflow-safe: imported by workflow code and by the dev-server launcher that registers them.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const tenantKey = defineSearchAttributeKey('GatehouseTenant', SearchAttributeType.KEYWORD);
export const incidentKey = defineSearchAttributeKey('GatehouseIncident', SearchAttributeType.KEYWORD);
export const statusKey = defineSearchAttributeKey('GatehouseStatus', SearchAttributeType.KEYWORD);

/** Every custom attribute with its type, in the form the dev server and test server register. */
export const customSearchAttributes = [tenantKey, incidentKey, statusKey] as const;
