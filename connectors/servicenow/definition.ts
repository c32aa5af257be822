/**
 * The ServiceNow connector as the marketplace and the runtime see it. Each action is one file
 * under `./actions/` (schemas, gate, risk, scopes, idempotency, reversal and implementation);
 * this file lists them and says how the connector connects, is checked and is disconnected.
 *
 * To add an action: `npm run new:action -- servicenow <resource>.<verb> --write|--read` writes the
 * file and its test and lists it below; bump `version`, then
 * `npm run manifests -- generate && npm run manifests -- sign` (docs/connector-manifests.md).
 */
import { codeFilesIn } from '../framework/code-files';
import { defineConnector } from '../framework/define-connector';
import { addWorkNote } from './actions/add-work-note';
import { getIncident } from './actions/get-incident';
import { resolveIncident } from './actions/resolve-incident';
import { updateAssignment } from './actions/update-assignment';
import { updateClassification } from './actions/update-classification';
import { connectServiceNow } from './connection';
import { serviceNowScopes as scope } from './schemas';

/** The ServiceNow connector. */
export const serviceNowConnector = defineConnector({
  connectorId: 'servicenow',
  name: 'ServiceNow',
  description: 'Reads incidents and, after approval in Slack, updates their assignment and classification, adds work notes and resolves them, recording every prior value.',
  category: 'itsm',
  version: '1.1.0',
  status: 'available',
  authType: 'basic',
  additionalAuthTypes: ['oauth'],
  permissionsRequested: ['connector_read', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: [scope.incidentRead, scope.incidentWrite, scope.journalRead, scope.userRead],
  actions: [getIncident, updateAssignment, updateClassification, addWorkNote, resolveIncident],
  connect: connectServiceNow,
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
