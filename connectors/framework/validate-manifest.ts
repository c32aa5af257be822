/**
 * Everything a manifest must satisfy beyond its JSON shape: the marketplace rules (least
 * privilege scopes, approval gates, blocked financial actions, audit, reversibility) and internal
 * consistency (unique ids, references that resolve, valid JSON Schemas).
 */
import { checkJsonSchemaShape } from './json-schema-shape';
import { manifestSchema, type ConnectorManifest, type ManifestAction } from './manifest-schema';
import { formatPath, joinPath, type ManifestProblem } from './problem';
import { approvalGates } from './vocabulary';
import { requiredPermissions, requiredRiskLevel, riskForAction, riskRank } from './risk-rules';

/** The outcome of validating a manifest: the parsed manifest when its shape is right, and every problem found. */
export interface ManifestValidation {
  manifest: ConnectorManifest | undefined;
  problems: ManifestProblem[];
}

const list = (items: readonly string[]): string => items.map((s) => `"${s}"`).join(', ');

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

function checkScopes(m: ConnectorManifest, problems: ManifestProblem[]): void {
  const requested = new Set(m.scopes);
  for (const dup of duplicates(m.scopes)) problems.push({ path: 'scopes', message: `scope "${dup}" is listed twice` });
  const needed = new Set<string>();
  m.actions.forEach((action, i) => {
    for (const scope of action.scopes) {
      needed.add(scope);
      if (!requested.has(scope)) {
        problems.push({ path: `actions[${i}].scopes`, message: `action "${action.actionId}" needs scope "${scope}", which the connector does not request: add it to the connector's scopes` });
      }
    }
  });
  const unused = m.scopes.filter((s) => !needed.has(s));
  if (unused.length > 0) {
    problems.push({
      path: 'scopes',
      message: `the connector requests scopes broader than its actions need: ${list(unused)} ${unused.length === 1 ? 'is' : 'are'} not needed by any action; remove ${unused.length === 1 ? 'it' : 'them'} (no connector may request broader scopes than needed)`,
    });
  }
}

function checkAction(m: ConnectorManifest, action: ManifestAction, path: string, problems: ManifestProblem[]): void {
  const at = (field: string): string => joinPath(path, field);
  if (!action.actionId.startsWith(`${m.connectorId}.`)) {
    problems.push({ path: at('actionId'), message: `action id "${action.actionId}" must start with the connector id "${m.connectorId}."` });
  }
  problems.push(...checkJsonSchemaShape(action.inputSchema, at('inputSchema')), ...checkJsonSchemaShape(action.outputSchema, at('outputSchema')));
  checkEffectsAndRisk(m, action, path, problems);
  if (action.kind === 'write') {
    if (action.approvalGate === 'read_only') {
      problems.push({ path: at('approvalGate'), message: `write action "${action.actionId}" cannot be gated "read_only": use artifact_generation, workspace_write, external_write or blocked_by_default` });
    }
    if (!action.auditRequired) problems.push({ path: at('auditRequired'), message: `write action "${action.actionId}" must be audited (auditRequired: true)` });
    if (action.idempotency === 'not_applicable') {
      problems.push({ path: at('idempotency'), message: `write action "${action.actionId}" must declare idempotency "natural" or "required"` });
    }
    if (action.sampleInput !== null) problems.push({ path: at('sampleInput'), message: 'write actions carry no sample input (smoke tests must never write)' });
    checkReversal(m, action, path, problems);
  } else {
    if (action.reversal !== null) problems.push({ path: at('reversal'), message: 'read actions change nothing, so their reversal must be null' });
    if (action.sampleInput === null) problems.push({ path: at('sampleInput'), message: `read action "${action.actionId}" needs a sample input for smoke tests` });
  }
}

const gateRank = (gate: ManifestAction['approvalGate']): number => approvalGates.indexOf(gate);

/** The marketplace's blocked connector actions, and the action's own risk against its gate and the connector's risk. */
function checkEffectsAndRisk(m: ConnectorManifest, action: ManifestAction, path: string, problems: ManifestProblem[]): void {
  const at = (field: string): string => joinPath(path, field);
  const effects = new Set(action.effects);
  if (effects.size !== action.effects.length) problems.push({ path: at('effects'), message: 'an effect is listed twice' });
  if (effects.size > 0 && action.kind !== 'write') {
    problems.push({ path: at('effects'), message: `read action "${action.actionId}" cannot have side effects (${list([...effects])}): make it a write` });
  }
  if (effects.has('moves_money') && action.approvalGate !== 'blocked_by_default') {
    problems.push({ path: at('approvalGate'), message: `financial action "${action.actionId}" (moves_money) must be gated "blocked_by_default", not "${action.approvalGate}": no connector may charge, refund, transfer funds or trade by default` });
  }
  if (effects.has('deletes_customer_data') && action.approvalGate !== 'blocked_by_default') {
    problems.push({ path: at('approvalGate'), message: `"${action.actionId}" deletes customer data, so it must be gated "blocked_by_default", not "${action.approvalGate}"` });
  }
  for (const effect of ['sends_external_message', 'publishes_public_content'] as const) {
    if (effects.has(effect) && gateRank(action.approvalGate) < gateRank('external_write')) {
      problems.push({ path: at('approvalGate'), message: `"${action.actionId}" ${effect === 'sends_external_message' ? 'sends external messages' : 'publishes public content'}, so it needs at least the "external_write" gate, not "${action.approvalGate}"` });
    }
  }
  if ((action.approvalGate === 'blocked_by_default') !== (action.riskLevel === 'blocked_by_default')) {
    problems.push({ path: at('riskLevel'), message: `"${action.actionId}" has gate "${action.approvalGate}" and risk "${action.riskLevel}": an action is blocked_by_default in both or in neither` });
  }
  if (riskRank(action.riskLevel) > riskRank(m.riskLevel)) {
    problems.push({ path: 'riskLevel', message: `connector risk level "${m.riskLevel}" is below the risk "${action.riskLevel}" of action "${action.actionId}"` });
  }
}

function checkReversal(m: ConnectorManifest, action: ManifestAction, path: string, problems: ManifestProblem[]): void {
  const at = joinPath(path, 'reversal');
  const reversal = action.reversal;
  if (reversal === null) {
    problems.push({ path: at, message: `write action "${action.actionId}" must say how it is undone or corrected` });
    return;
  }
  const compensating = reversal.compensatingActionId;
  const procedure = reversal.procedure?.trim() ?? '';
  if (compensating !== null) {
    const target = m.actions.find((a) => a.actionId === compensating);
    if (!target) {
      problems.push({ path: joinPath(at, 'compensatingActionId'), message: `compensating action "${compensating}" of "${action.actionId}" does not exist in this connector` });
    } else if (target.kind !== 'write') {
      problems.push({ path: joinPath(at, 'compensatingActionId'), message: `compensating action "${compensating}" is a read; it cannot undo or correct anything` });
    }
  } else if (procedure === '') {
    problems.push({
      path: at,
      message: reversal.reversible
        ? `reversible action "${action.actionId}" must name a compensatingActionId or document the reversal in procedure`
        : `irreversible action "${action.actionId}" must name a compensatingActionId or document the correction in procedure`,
    });
  }
}

function checkSemantics(m: ConnectorManifest, problems: ManifestProblem[]): void {
  for (const dup of duplicates(m.actions.map((a) => a.actionId))) {
    problems.push({ path: 'actions', message: `action id "${dup}" is used by more than one action` });
  }
  checkScopes(m, problems);
  m.actions.forEach((action, i) => checkAction(m, action, `actions[${i}]`, problems));

  const facts = m.actions;
  const neededRisk = requiredRiskLevel(facts);
  if (riskRank(m.riskLevel) < riskRank(neededRisk)) {
    const culprits = m.actions.filter((a) => riskForAction(a) === neededRisk).map((a) => a.actionId);
    problems.push({ path: 'riskLevel', message: `risk level "${m.riskLevel}" understates the actions: the gates and effects of ${list(culprits)} make it at least "${neededRisk}"` });
  }

  const needed = requiredPermissions(m.authType, facts);
  const missing = needed.filter((p) => !m.permissionsRequested.includes(p));
  const extra = m.permissionsRequested.filter((p) => !needed.includes(p));
  if (missing.length) problems.push({ path: 'permissionsRequested', message: `missing permission(s) the actions need: ${list(missing)}` });
  if (extra.length) problems.push({ path: 'permissionsRequested', message: `permission(s) no action needs: ${list(extra)}; remove them` });
  for (const dup of duplicates(m.permissionsRequested)) problems.push({ path: 'permissionsRequested', message: `permission "${dup}" is listed twice` });

  if (m.additionalAuthTypes.includes(m.authType) || duplicates(m.additionalAuthTypes).length) {
    problems.push({ path: 'additionalAuthTypes', message: 'additional auth types must be distinct and differ from authType' });
  }

  const hc = m.healthcheck.actionId;
  if (hc !== null) {
    const target = m.actions.find((a) => a.actionId === hc);
    if (!target) problems.push({ path: 'healthcheck.actionId', message: `healthcheck action "${hc}" does not exist in this connector` });
    else if (target.kind !== 'read' || target.approvalGate !== 'read_only') {
      problems.push({ path: 'healthcheck.actionId', message: `healthcheck action "${hc}" must be a read gated "read_only": a healthcheck never changes anything` });
    }
  }
  if (!m.disconnectPolicy.deleteCredentials) {
    problems.push({ path: 'disconnectPolicy.deleteCredentials', message: 'credentials must be deleted on disconnect' });
  }
  for (const dup of duplicates(m.implementation.files.map((f) => f.path))) {
    problems.push({ path: 'implementation.files', message: `implementation file "${dup}" is listed twice` });
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Validates any value as a manifest and returns the parsed manifest (when its shape is right) with every problem found. */
export function inspectManifest(value: unknown): ManifestValidation {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      // zod says "expected string, received undefined" for an absent field: say it plainly.
      message: issue.path.length > 0 && valueAt(value, issue.path) === undefined ? `required field is missing (${issue.message})` : issue.message,
    }));
    return { manifest: undefined, problems };
  }
  const problems: ManifestProblem[] = [];
  checkSemantics(parsed.data, problems);
  return { manifest: parsed.data, problems };
}

/** Every problem with a manifest (an empty list means valid). */
export function validateManifest(value: unknown): ManifestProblem[] {
  return inspectManifest(value).problems;
}
