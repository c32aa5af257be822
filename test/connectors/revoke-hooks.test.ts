/**
 * A manifest that says disconnecting revokes at the provider is kept to its word: the connector
 * implements `revoke`, which the disconnect run calls; and a connector that revokes says so.
 * Planned connectors cannot be installed, so theirs is a plan: they must implement `revoke`
 * before they become available.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectorDefinitions } from '../../connectors/framework/catalog';

describe('revoke hooks', () => {
  for (const connector of connectorDefinitions) {
    it(`${connector.connectorId}: disconnectPolicy.revokeAtProvider ⇔ revoke`, () => {
      const promises = connector.disconnectPolicy.revokeAtProvider;
      const hasRevoke = typeof connector.revoke === 'function';
      if (connector.status === 'planned' && !hasRevoke) return;
      assert.equal(hasRevoke, promises, promises
        ? `${connector.connectorId}'s manifest promises revocation at the provider: implement revoke()`
        : `${connector.connectorId} implements revoke() but its manifest says it does not revoke: set disconnectPolicy.revokeAtProvider`);
    });
  }
});
