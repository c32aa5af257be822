/**
 * Every action Gatehouse can run, found by id in the connector definitions (the same list the
 * manifests are generated from). Facts the policy engine decides on (gate, risk, effects) are
 * read from the verified manifest instead, see `verifiedAction`: the definition supplies the
 * schemas and the implementation, whose code digest the manifest's signature covers.
 */
import { connectorDefinitions } from '../connectors/framework/catalog';
import type { ConnectorRegistry } from '../connectors/framework/registry';
import type { ConnectorManifest, ManifestAction } from '../connectors/framework/manifest-schema';
import type { ActionDefinition, ConnectorDefinition } from '../connectors/framework/types';

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

/**
 * The action as its verified (signed) manifest states it, and its connector's manifest; throws
 * the registry's refusal when the connector is unknown, unsigned or tampered with.
 */
export function verifiedAction(registry: ConnectorRegistry, entry: CatalogEntry): { manifest: ConnectorManifest; declared: ManifestAction } {
  const manifest = registry.get(entry.connector.connectorId).manifest;
  const declared = manifest.actions.find((a) => a.actionId === entry.action.actionId);
  if (!declared) throw new Error(`the signed manifest of ${entry.connector.connectorId} does not declare ${entry.action.actionId}: regenerate and sign the manifests`);
  return { manifest, declared };
}
