/** The policy engine's action facts, read from verified (signed) connector manifests. */
import type { ActionCatalogue } from '../policy/action-catalogue';
import type { ActionFacts } from '../policy/evaluate-policy';
import type { ConnectorManifest } from './framework/manifest-schema';
import type { ConnectorRegistry } from './framework/registry';

export function factsOf(manifest: ConnectorManifest): ActionFacts[] {
  return manifest.actions.map((a) => ({
    actionId: a.actionId, connectorId: manifest.connectorId, gate: a.approvalGate, risk: a.riskLevel, effects: a.effects,
  }));
}

export function registryCatalogue(registry: ConnectorRegistry): ActionCatalogue {
  return {
    actionsOf(connectorId) {
      if (!registry.list().some((c) => c.connectorId === connectorId)) return undefined;
      return factsOf(registry.get(connectorId).manifest);
    },
  };
}
