/** The policy engine's action facts, read from verified (signed) connector manifests. */
import type { ActionCatalogue } from '../policy/action-catalogue';
import type { ActionFacts } from '../policy/evaluate-policy';
import type { ConnectorManifest, ManifestAction } from './framework/manifest-schema';
import type { ConnectorRegistry } from './framework/registry';

/** What the policy engine needs about one action, as its connector's signed manifest states it. */
export function actionFacts(connectorId: string, action: ManifestAction): ActionFacts {
  return { actionId: action.actionId, connectorId, gate: action.approvalGate, risk: action.riskLevel, effects: action.effects };
}

export function factsOf(manifest: ConnectorManifest): ActionFacts[] {
  return manifest.actions.map((a) => actionFacts(manifest.connectorId, a));
}

export function registryCatalogue(registry: ConnectorRegistry): ActionCatalogue {
  return {
    actionsOf(connectorId) {
      if (!registry.list().some((c) => c.connectorId === connectorId)) return undefined;
      return factsOf(registry.get(connectorId).manifest);
    },
  };
}
