/**
 * Where the policy engine learns the facts about connectors' actions (gate, risk, effects).
 * The signed-manifest registry provides them; this interface keeps the engine and the
 * simulation API independent of how the registry is loaded.
 */
import type { ActionFacts } from './evaluate-policy';

export interface ActionCatalogue {
  /** All actions of a connector, or undefined for an unknown connector. */
  actionsOf(connectorId: string): ActionFacts[] | undefined;
}

/** A catalogue over a fixed list (tests, and the built-in ServiceNow actions). */
export function staticCatalogue(actions: readonly ActionFacts[]): ActionCatalogue {
  return {
    actionsOf(connectorId) {
      const found = actions.filter((a) => a.connectorId === connectorId);
      return found.length ? found : undefined;
    },
  };
}
