/** The marketplace install narrows what runs: unticked actions and disconnected connectors are refused, with why. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installRefusal } from '../../action-runtime/install-gate';
import type { ConnectorInstall } from '../../db/installs-repo';

const install = (over: Partial<ConnectorInstall>): ConnectorInstall => ({
  tenantId: 't', connectorId: 'github', status: 'enabled', manifestVersion: '1.1.0', config: {}, credentialNames: [],
  enabledActions: ['github.pulls.list'], requestedBy: 'alice', reviewedBy: 'bob', workflowId: null, detail: {},
  createdAt: new Date(0), updatedAt: new Date(0), ...over,
});

describe('install gate', () => {
  it('lets an enabled action run and refuses one the reviewer left unticked, naming the reviewer', () => {
    assert.equal(installRefusal(install({}), 'github.pulls.list'), undefined);
    const refused = installRefusal(install({}), 'github.contents.get');
    assert.equal(refused?.rule, 'install_not_enabled');
    assert.match(refused?.reason ?? '', /github\.contents\.get was not enabled .*\(reviewed by bob\)/);
  });

  it('refuses every action of a disconnected connector', () => {
    assert.equal(installRefusal(install({ status: 'disconnected' }), 'github.pulls.list')?.rule, 'install_disconnected');
  });

  it('leaves a connector configured in settings only, or still under review, as configured', () => {
    assert.equal(installRefusal(undefined, 'servicenow.incident.resolve'), undefined);
    assert.equal(installRefusal(install({ status: 'pending_review', enabledActions: [] }), 'github.contents.get'), undefined);
  });
});
