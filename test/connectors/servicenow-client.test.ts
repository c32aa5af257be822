/**
 * The ServiceNow Table API client against the simulator: basic and OAuth auth (with token
 * refresh), typed errors that keep status and Retry-After, and the journal search used for
 * idempotent work notes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceNowClient } from '../../connectors/servicenow/client';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';
import { startServiceNowSimulator, type ServiceNowSimulator } from '../simulators/servicenow';

let sn: ServiceNowSimulator;
before(async () => {
  sn = await startServiceNowSimulator();
  sn.addUser({ user_name: 'integration', password: 'pw-integration-1' });
  sn.addOAuthClient({ client_id: 'gatehouse-client', client_secret: 'client-secret-1' });
});
after(() => sn.close());

const basic = () => new ServiceNowClient(sn.url, { kind: 'basic', username: 'integration', password: 'pw-integration-1' });

describe('ServiceNow client', () => {
  it('reads an incident with references flattened to sys_ids', async () => {
    const group = sn.addGroup({ name: 'Service Desk' });
    const created = sn.createIncident({ short_description: 'Printer on fire', assignment_group: group.sys_id, impact: '1', urgency: '2' });
    const incident = await basic().getIncident(String(created.sys_id));
    assert.equal(incident.number, created.number);
    assert.equal(incident.fields.assignment_group, group.sys_id);
    assert.equal(incident.fields.priority, '2');
    assert.equal(incident.modCount, 0);
  });

  it('updates fields, adds a work note and finds it again by its marker', async () => {
    const created = sn.createIncident({ short_description: 'Disk full' });
    const client = basic();
    const updated = await client.updateIncident(String(created.sys_id), { category: 'hardware', work_notes: 'checked [gatehouse:run-42]' });
    assert.equal(updated.fields.category, 'hardware');
    assert.equal(updated.fields.sys_updated_by, 'integration');
    assert.equal((await client.findWorkNotes(String(created.sys_id), '[gatehouse:run-42]')).length, 1);
    assert.equal((await client.findWorkNotes(String(created.sys_id), '[gatehouse:run-43]')).length, 0);
  });

  it('authenticates with OAuth and re-authenticates when the instance says the token expired', async () => {
    let clockMs = Date.now();
    const oauthSn = await startServiceNowSimulator({ now: () => new Date(clockMs) });
    try {
      oauthSn.addUser({ user_name: 'integration', password: 'pw-integration-1' });
      oauthSn.addOAuthClient({ client_id: 'gatehouse-client', client_secret: 'client-secret-1' });
      const created = oauthSn.createIncident({ short_description: 'VPN slow' });
      const client = new ServiceNowClient(oauthSn.url, { kind: 'oauth', username: 'integration', password: 'pw-integration-1', clientId: 'gatehouse-client', clientSecret: 'client-secret-1' });
      await client.getIncident(String(created.sys_id));
      assert.equal(oauthSn.requestCounts()['POST /oauth_token.do'], 1);
      await client.getIncident(String(created.sys_id));
      assert.equal(oauthSn.requestCounts()['POST /oauth_token.do'], 1, 'a valid token is reused');
      clockMs += 2 * 3600 * 1000; // the instance's clock passes the token's 30-minute lifetime
      const again = await client.getIncident(String(created.sys_id));
      assert.equal(again.sysId, created.sys_id);
      assert.ok((oauthSn.requestCounts()['POST /oauth_token.do'] ?? 0) >= 2, 'a new token was obtained after the 401');
    } finally {
      await oauthSn.close();
    }
  });

  it('refuses wrong credentials without echoing them', async () => {
    const created = sn.createIncident({ short_description: 'x' });
    const client = new ServiceNowClient(sn.url, { kind: 'basic', username: 'integration', password: 'wrong-password-xyz' });
    await assert.rejects(client.getIncident(String(created.sys_id)), (err: unknown) => {
      assert.ok(err instanceof ServiceNowApiError);
      assert.equal(err.code, 'unauthenticated');
      assert.equal(err.retryable, false);
      assert.doesNotMatch(err.message, /wrong-password-xyz/);
      return true;
    });
  });

  it('keeps Retry-After on 429 and marks it retryable; 404 is final', async () => {
    const created = sn.createIncident({ short_description: 'y' });
    sn.faults.rateLimit({ count: 1, retryAfterSeconds: 17 });
    await assert.rejects(basic().getIncident(String(created.sys_id)), (err: unknown) => {
      assert.ok(err instanceof ServiceNowApiError);
      assert.equal(err.code, 'rate_limited');
      assert.equal(err.retryAfterSeconds, 17);
      assert.equal(err.retryable, true);
      return true;
    });
    await assert.rejects(basic().getIncident('0'.repeat(32)), (err: unknown) => err instanceof ServiceNowApiError && err.code === 'not_found' && !err.retryable);
  });
});
