/**
 * Every action Gatehouse can run, found by id in the connector definitions (the same list the
 * manifests are generated from). Facts the policy engine decides on (gate, risk, effects) are
 * read from the verified manifest instead, see `manifestFacts`: the definition supplies the
 * schemas and the implementation, whose code digest the manifest's signature covers.
 */
import { connectorDefinitions } from '../connectors/framework/catalog';
import type { ConnectorRegistry } from '../connectors/framework/registry';
import type { ManifestAction } from '../connectors/framework/manifest-schema';
import type { ActionDefinition, ConnectorDefinition } from '../connectors/framework/types';
import type { ActionFacts } from '../policy/evaluate-policy';

export interface CatalogEntry {
  connector: ConnectorDefinition;
  action: ActionDefinition;
}

let byId: Map<string, CatalogEntry> | undefined;

function index(): Map<string, CatalogEntry> {
  byId ??= new Map(connectorDefinitions.flatMap((connector) => connector.actions.map((action) => [action.actionId, { connector, action }] as const)));
  return byId;
}

/** The action's definition and its connector's, or undefined for an id no connector declares. */
export function findAction(actionId: string): CatalogEntry | undefined {
  return index().get(actionId);
}

/** The connector's definition, or undefined. */
export function findConnector(connectorId: string): ConnectorDefinition | undefined {
  return connectorDefinitions.find((c) => c.connectorId === connectorId);
}

/** The action as its verified (signed) manifest states it; throws the registry's refusal when the connector is not verified. */
export function manifestAction(registry: ConnectorRegistry, entry: CatalogEntry): ManifestAction {
  const manifest = registry.get(entry.connector.connectorId).manifest;
  const found = manifest.actions.find((a) => a.actionId === entry.action.actionId);
  if (!found) throw new Error(`the signed manifest of ${entry.connector.connectorId} does not declare ${entry.action.actionId}: regenerate and sign the manifests`);
  return found;
}

/** What the policy engine needs, from the verified manifest. */
export function manifestFacts(registry: ConnectorRegistry, entry: CatalogEntry): ActionFacts {
  const declared = manifestAction(registry, entry);
  return {
    actionId: declared.actionId, connectorId: entry.connector.connectorId, gate: declared.approvalGate,
    risk: declared.riskLevel, effects: declared.effects,
  };
}
