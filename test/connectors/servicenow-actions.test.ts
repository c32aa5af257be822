/**
 * The ServiceNow actions hold to their signed contracts against the ServiceNow simulator: every
 * action runs (reads through `run`, writes through `preview` and the record batch, as the action
 * runtime runs them) and its real output is accepted by its schema; the manifest's JSON Schemas
 * are exactly those of the zod schemas the code validates with; and every Table API request an
 * action makes needs only scopes the action (and so the manifest) declares.
 */
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readMemo } from '../../action-runtime/connections';
import type { ActionContext } from '../../connectors/framework/action-contract';
import { jsonSchemaOf } from '../../connectors/framework/manifest';
import type { ConnectorManifest } from '../../connectors/framework/manifest-schema';
import type { ActionDefinition } from '../../connectors/framework/types';
import { defaultManifestsDir } from '../../connectors/framework/repo-paths';
import { ServiceNowClient } from '../../connectors/servicenow/client';
import { serviceNowConnector } from '../../connectors/servicenow/definition';
import { serviceNowScopes } from '../../connectors/servicenow/schemas';
import { startServiceNowSimulator, type ServiceNowSimulator } from '../simulators/servicenow';

/** The scope each Table API request needs, by "METHOD /api/now/table/<table>". */
const scopeOfRequest: Record<string, string> = {
  'GET incident': serviceNowScopes.incidentRead,
  'PATCH incident': serviceNowScopes.incidentWrite,
  'GET sys_journal_field': serviceNowScopes.journalRead,
  'GET sys_user': serviceNowScopes.userRead,
};

/** Inputs for the writes this test exercises, by action id; reads use their manifest sample shape with a real record. */
function writeInputs(sysId: string, groupId: string): Record<string, unknown> {
  return {
    'servicenow.incident.update_assignment': { sysId, assignmentGroup: groupId, labels: { [groupId]: 'Network' } },
    'servicenow.incident.update_classification': { sysId, category: 'network', impact: '2', urgency: '1' },
    'servicenow.incident.add_work_note': { sysId, note: 'Checked by the contract test.' },
    'servicenow.incident.resolve': { sysId, closeCode: 'Solved (Permanently)', closeNotes: 'Done.' },
  };
}

/** The connector's actions, each seen as an action over the ServiceNow client (the list's own type intersects their inputs). */
const actions = serviceNowConnector.actions as readonly ActionDefinition<z.ZodType, z.ZodType, ServiceNowClient>[];

describe('ServiceNow actions against their manifest and the simulator', () => {
  let sn: ServiceNowSimulator;
  let client: ServiceNowClient;
  const manifest = JSON.parse(readFileSync(join(defaultManifestsDir, 'servicenow.json'), 'utf8')) as ConnectorManifest;

  before(async () => {
    sn = await startServiceNowSimulator();
    sn.addUser({ user_name: 'integration', password: 'pw-contract-1' });
    client = new ServiceNowClient(sn.url, { kind: 'basic', username: 'integration', password: 'pw-contract-1' });
  });
  after(() => sn.close());

  const context = (key: string): ActionContext<ServiceNowClient> => ({
    connection: client, tenantId: 'contract', idempotencyKey: `${key}#0`, planKey: key, memo: readMemo(),
  });

  /** The scopes the requests made since the last reset need. */
  function scopesUsed(): string[] {
    return Object.keys(sn.requestCounts()).map((key) => {
      const [method, path] = key.split(' ');
      const table = /^\/api\/now\/table\/([a-z_]+)/.exec(path ?? '')?.[1] ?? path;
      const scope = scopeOfRequest[`${method} ${table}`];
      assert.ok(scope, `no scope is known for ${key}`);
      return scope;
    });
  }

  for (const action of actions) {
    it(`${action.actionId}: runs against the simulator, output matches its schema, requests within its scopes`, async () => {
      const declared = manifest.actions.find((a) => a.actionId === action.actionId);
      assert.ok(declared, 'the manifest declares the action');
      assert.deepEqual(declared.inputSchema, jsonSchemaOf(action.input, 'input'), 'manifest input schema = the code\'s');
      assert.deepEqual(declared.outputSchema, jsonSchemaOf(action.output, 'output'), 'manifest output schema = the code\'s');

      const group = sn.addGroup({ name: `Group ${action.actionId}` });
      const record = sn.createIncident({ short_description: `Contract ${action.actionId}`, impact: '3', urgency: '3', state: '2' });
      const ctx = context(`contract/${action.actionId}`);
      sn.resetRequestCounts();
      let output: unknown;
      if (action.kind === 'read') {
        assert.ok(action.run, 'available connectors implement every read');
        // Reads of an incident by sys_id run here; a read of another shape is exercised by its own test.
        const byRecord = action.input.safeParse({ sysId: record.sys_id });
        if (!byRecord.success) return;
        output = await action.run(ctx, byRecord.data);
      } else {
        const input = writeInputs(record.sys_id, group.sys_id)[action.actionId];
        if (input === undefined) return; // a new write is exercised by its own test (npm run new:action writes one)
        const parsed = action.input.parse(input);
        assert.ok(action.preview && (action.apply || action.batch), 'available connectors implement every write');
        const preview = await action.preview(ctx, parsed);
        assert.ok(preview.changes.length > 0, 'the preview shows what will change');
        const write = { actionId: action.actionId, input: parsed, approved: preview, idempotencyKey: ctx.idempotencyKey };
        const receipt = action.batch ? (await action.batch.apply(ctx, [write]))[0]! : await action.apply!(ctx, parsed, preview);
        assert.ok(receipt.fields.some((f) => f.outcome === 'applied'), JSON.stringify(receipt.fields));
        output = receipt.output;
      }
      const checked = action.output.safeParse(output);
      assert.ok(checked.success, checked.success ? '' : JSON.stringify(checked.error.issues));
      for (const scope of scopesUsed()) assert.ok(action.scopes.includes(scope), `${action.actionId} uses ${scope} without declaring it`);
      for (const scope of action.scopes) assert.ok(manifest.scopes.includes(scope), `the manifest requests ${scope}`);
    });
  }

  it('a retried batch after a lost response changes nothing twice', async () => {
    const action = actions.find((a) => a.actionId === 'servicenow.incident.add_work_note')!;
    assert.equal(action.kind, 'write');
    if (action.kind !== 'write' || !action.preview || !action.batch) return;
    const record = sn.createIncident({ short_description: 'Retry' });
    const ctx = context('contract/retry');
    const input = action.input.parse({ sysId: record.sys_id, note: 'Once only.' });
    const preview = await action.preview(ctx, input);
    const write = { actionId: action.actionId, input, approved: preview, idempotencyKey: ctx.idempotencyKey };
    await action.batch.apply(ctx, [write]);
    const again = await action.batch.apply(ctx, [write]);
    assert.equal(again[0]!.fields[0]!.outcome, 'already_applied');
    assert.equal(sn.journal(record.sys_id, 'work_notes').length, 1);
  });
});
