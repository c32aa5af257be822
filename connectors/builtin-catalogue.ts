/** The action facts of the connectors built into this release, for the policy engine. */
import { staticCatalogue, type ActionCatalogue } from '../policy/action-catalogue';
import { serviceNowActions, serviceNowConnectorId } from './servicenow/actions';

export function builtinCatalogue(): ActionCatalogue {
  return staticCatalogue([
    { actionId: 'servicenow.incident.get', connectorId: serviceNowConnectorId, gate: 'read_only', risk: 'low' },
    ...Object.entries(serviceNowActions).map(([actionId, spec]) => ({
      actionId, connectorId: serviceNowConnectorId, gate: spec.gate, risk: spec.risk,
    })),
  ]);
}
