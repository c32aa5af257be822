/**
 * The policy operations both the operator's admin API and the tenant console use: validate a
 * document (a 422 naming each bad field by its path), store it as a new audited revision, and
 * simulate decisions under the policy in force or a draft. One implementation, so the console
 * can never accept a document the admin API would refuse, or simulate differently.
 */
import { appendAudit } from '../../db/audit-repo';
import { putPolicy, type PolicyRevision } from '../../db/policies-repo';
import type { ActionCatalogue } from '../../policy/action-catalogue';
import { policyDocumentSchema, type PolicyDocument } from '../../policy/policy-document';
import { simulatePolicy, UnknownConnectorError, type SimulationRequest, type SimulationResult } from '../../policy/simulate';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';

/** A policy document from a request body, or a 422 whose details are `[{ path, message }]`. */
export function parsePolicyDocument(value: unknown, what: string): PolicyDocument {
  return parseOr422(policyDocumentSchema, value, what);
}

/** Stores `document` (already validated) as the tenant's next revision and audits it with `actor`. */
export async function storePolicyRevision(deps: Pick<ApiDeps, 'pool'>, tenantId: string, document: PolicyDocument, actor: string): Promise<PolicyRevision> {
  const stored = await putPolicy(deps.pool, tenantId, document, actor);
  await appendAudit(deps.pool, { tenantId, type: 'policy.updated', outcome: 'ok', actor, detail: { revision: stored.revision } });
  return stored;
}

/** Simulates `request` under `policy`; an unknown connector is a 404. */
export function simulateOr404(catalogue: ActionCatalogue, policy: PolicyDocument, request: SimulationRequest): SimulationResult {
  try {
    return simulatePolicy(catalogue, policy, request);
  } catch (err) {
    if (err instanceof UnknownConnectorError) throw new HttpError(404, err.code, err.message);
    throw err;
  }
}
