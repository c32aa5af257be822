/**
 * Manifest validation: every shipped definition yields a valid manifest, and each kind of bad
 * manifest is refused with a problem that names where it is and what is wrong.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { z } from 'zod';
import { connectorDefinitions } from '../../connectors/framework/catalog';
import { defineAction, defineConnector } from '../../connectors/framework/define-connector';
import { buildManifest } from '../../connectors/framework/manifest';
import { manifestSchema, type ConnectorManifest } from '../../connectors/framework/manifest-schema';
import { formatProblems, type ManifestProblem } from '../../connectors/framework/problem';
import { defaultRepoRoot } from '../../connectors/framework/repo-paths';
import { validateDefinition } from '../../connectors/framework/validate-definition';
import { validateManifest } from '../../connectors/framework/validate-manifest';
import { serviceNowConnector } from '../../connectors/servicenow/definition';
import { stripeConnector } from '../../connectors/planned/stripe';

/**
 * The released actions the rest of Gatehouse names (triage/propose-changes.ts, propose-revert.ts)
 * or a tenant's policies may: an action id is never removed or renamed, so every release keeps them.
 */
const releasedActions = ['servicenow.incident.get', 'servicenow.incident.update_assignment', 'servicenow.incident.update_classification', 'servicenow.incident.add_work_note'];

let serviceNow: ConnectorManifest;
let stripe: ConnectorManifest;
/** Positions in the ServiceNow manifest, found by id so a new action does not move what each test breaks. */
let readAt = 0;
let assignmentAt = 0;
let workNoteAt = 0;
before(async () => {
  serviceNow = await buildManifest(serviceNowConnector, defaultRepoRoot);
  stripe = await buildManifest(stripeConnector, defaultRepoRoot);
  const at = (actionId: string) => {
    const index = serviceNow.actions.findIndex((a) => a.actionId === actionId);
    assert.ok(index >= 0, `ServiceNow declares ${actionId}`);
    return index;
  };
  [readAt, assignmentAt, workNoteAt] = [at('servicenow.incident.get'), at('servicenow.incident.update_assignment'), at('servicenow.incident.add_work_note')];
});

/** A deep copy of a manifest to break on purpose (typed loosely: the point is to make it wrong). */
function broken(manifest: ConnectorManifest, mutate: (m: Record<string, unknown> & ConnectorManifest) => void): unknown {
  const copy = structuredClone(manifest) as Record<string, unknown> & ConnectorManifest;
  mutate(copy);
  return copy;
}

function action(m: ConnectorManifest, actionId: string): ConnectorManifest['actions'][number] {
  const found = m.actions.find((a) => a.actionId === actionId);
  assert.ok(found, `fixture has no action ${actionId}`);
  return found;
}

/** Asserts that exactly the expected problem is among the problems (path equal, message matching). */
function assertProblem(problems: ManifestProblem[], path: string, message: RegExp): void {
  assert.ok(
    problems.some((p) => p.path === path && message.test(p.message)),
    `expected a problem at ${path} matching ${message}, got:\n${formatProblems(problems) || '  (none)'}`,
  );
}

describe('shipped connector definitions', () => {
  for (const definition of connectorDefinitions) {
    it(`${definition.connectorId}: definition and generated manifest are valid`, async () => {
      assert.deepEqual(validateDefinition(definition), []);
      const manifest = await buildManifest(definition, defaultRepoRoot);
      assert.deepEqual(validateManifest(manifest), []);
      assert.equal(manifestSchema.safeParse(manifest).success, true);
    });
  }

  it('ServiceNow declares its definition\'s actions in order, the reads as the only read_only ones, and no released action missing', () => {
    assert.deepEqual(serviceNow.actions.map((a) => [a.actionId, a.kind, a.approvalGate]),
      serviceNowConnector.actions.map((a) => [a.actionId, a.kind, a.approvalGate]));
    for (const a of serviceNow.actions) assert.equal(a.approvalGate === 'read_only', a.kind === 'read', `${a.actionId}: ${a.kind} gated ${a.approvalGate}`);
    for (const id of releasedActions) assert.ok(serviceNow.actions.some((a) => a.actionId === id), `ServiceNow still declares ${id}`);
    assert.equal(action(serviceNow, 'servicenow.incident.get').kind, 'read');
    assert.deepEqual(action(serviceNow, 'servicenow.incident.add_work_note').reversal?.reversible, false);
    assert.equal(action(serviceNow, 'servicenow.incident.update_assignment').reversal?.compensatingActionId, 'servicenow.incident.update_assignment');
  });

  it('JSON Schemas come from the zod schemas (one source of truth)', () => {
    let objects = 0;
    for (const definition of serviceNowConnector.actions) {
      if (!(definition.input instanceof z.ZodObject)) continue;
      objects += 1;
      const shape: Record<string, z.ZodType> = definition.input.shape;
      const input = action(serviceNow, definition.actionId).inputSchema;
      assert.equal(input['$schema'], 'https://json-schema.org/draft/2020-12/schema');
      assert.deepEqual(Object.keys(input['properties'] as object), Object.keys(shape), definition.actionId);
      assert.deepEqual(input['required'], Object.keys(shape).filter((key) => !shape[key]!.isOptional()), definition.actionId);
      assert.equal(input['additionalProperties'], false, `${definition.actionId}: a strict zod object is a closed JSON Schema`);
    }
    assert.ok(objects > 0, 'some ServiceNow action takes an object input');
  });

  it('planned connectors are planned, available ones available', () => {
    const status = Object.fromEntries(connectorDefinitions.map((d) => [d.connectorId, d.status]));
    assert.deepEqual(status, {
      servicenow: 'available', slack: 'available', github: 'available',
      google_drive: 'planned', gmail: 'planned', stripe: 'planned', custom_webhook: 'planned',
    });
  });
});

describe('bad manifests are refused with a path and a reason', () => {
  it('the unbroken fixture is valid (so each failure below is caused by its mutation)', () => {
    assert.deepEqual(validateManifest(serviceNow), []);
    assert.deepEqual(validateManifest(stripe), []);
  });

  it('missing field', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { delete (m as Partial<ConnectorManifest>).connectorId; }));
    assertProblem(problems, 'connectorId', /required field is missing/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { delete (m as Partial<ConnectorManifest>).healthcheck; })), 'healthcheck', /missing/);
  });

  it('unknown field (a typo is not silently signed)', () => {
    assertProblem(validateManifest(broken(serviceNow, (m) => { m['riskLevle'] = 'low'; })), '(root)', /riskLevle/);
  });

  it('bad semantic version', () => {
    for (const version of ['1.0', 'v1.0.0', '01.0.0', '1.0.0.0']) {
      assertProblem(validateManifest(broken(serviceNow, (m) => { m.version = version; })), 'version', /semantic version/);
    }
    assert.deepEqual(validateManifest(broken(serviceNow, (m) => { m.version = '2.1.0-rc.1+build.5'; })), []);
  });

  it('duplicate action id', () => {
    const problems = validateManifest(broken(serviceNow, (m) => {
      m.actions.push(structuredClone(action(serviceNow, 'servicenow.incident.get')));
    }));
    assertProblem(problems, 'actions', /"servicenow\.incident\.get" is used by more than one action/);
  });

  it('action id outside the connector namespace', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { m.actions[readAt]!.actionId = 'jira.issue.get'; }));
    assertProblem(problems, `actions[${readAt}].actionId`, /must start with the connector id "servicenow\."/);
  });

  it('write action gated read_only', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { m.actions[assignmentAt]!.approvalGate = 'read_only'; }));
    assertProblem(problems, `actions[${assignmentAt}].approvalGate`, /write action "servicenow\.incident\.update_assignment" cannot be gated "read_only"/);
  });

  it('scopes broader than the actions need: names the unused scopes', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { m.scopes.push('table:incident:delete', 'table:sys_user:write'); }));
    assertProblem(problems, 'scopes', /broader than its actions need: "table:incident:delete", "table:sys_user:write" are not needed by any action/);
  });

  it('an action needing a scope the connector does not request', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { m.scopes = m.scopes.filter((s) => s !== 'table:sys_journal_field:read'); }));
    assertProblem(problems, `actions[${workNoteAt}].scopes`, /needs scope "table:sys_journal_field:read", which the connector does not request/);
  });

  it('compensating action missing', () => {
    const problems = validateManifest(broken(serviceNow, (m) => {
      m.actions[workNoteAt]!.reversal = { reversible: false, compensatingActionId: 'servicenow.incident.delete_work_note', procedure: null };
    }));
    assertProblem(problems, `actions[${workNoteAt}].reversal.compensatingActionId`, /"servicenow\.incident\.delete_work_note" of "servicenow\.incident\.add_work_note" does not exist/);
  });

  it('reversible action naming neither a compensating action nor a documented reversal', () => {
    const problems = validateManifest(broken(serviceNow, (m) => {
      m.actions[assignmentAt]!.reversal = { reversible: true, compensatingActionId: null, procedure: '  ' };
    }));
    assertProblem(problems, `actions[${assignmentAt}].reversal`, /must name a compensatingActionId or document the reversal/);
  });

  it('compensating action that is a read', () => {
    const problems = validateManifest(broken(serviceNow, (m) => {
      m.actions[assignmentAt]!.reversal = { reversible: true, compensatingActionId: 'servicenow.incident.get', procedure: null };
    }));
    assertProblem(problems, `actions[${assignmentAt}].reversal.compensatingActionId`, /is a read/);
  });

  it('write action without a reversal, without audit, or not idempotent', () => {
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[assignmentAt]!.reversal = null; })), `actions[${assignmentAt}].reversal`, /must say how it is undone/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[assignmentAt]!.auditRequired = false; })), `actions[${assignmentAt}].auditRequired`, /must be audited/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[assignmentAt]!.idempotency = 'not_applicable'; })), `actions[${assignmentAt}].idempotency`, /"natural" or "required"/);
  });

  it('read action without a sample input', () => {
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[readAt]!.sampleInput = null; })), `actions[${readAt}].sampleInput`, /needs a sample input/);
  });

  it('financial action not blocked_by_default', () => {
    const index = stripe.actions.findIndex((a) => a.actionId === 'stripe.refunds.create');
    const problems = validateManifest(broken(stripe, (m) => {
      m.actions[index]!.approvalGate = 'external_write';
      m.actions[index]!.riskLevel = 'high';
    }));
    assertProblem(problems, `actions[${index}].approvalGate`, /financial action "stripe\.refunds\.create" \(moves_money\) must be gated "blocked_by_default"/);
  });

  it('connector risk understating its actions', () => {
    assertProblem(validateManifest(broken(stripe, (m) => { m.riskLevel = 'high'; })), 'riskLevel', /understates the actions.*"stripe\.refunds\.create".*"blocked_by_default"/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.riskLevel = 'medium'; })), 'riskLevel', /at least "high"/);
  });

  it('permissions that do not match the actions', () => {
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.permissionsRequested.push('connector_financial_action'); })), 'permissionsRequested', /no action needs: "connector_financial_action"/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.permissionsRequested = ['connector_read', 'connector_secret_management']; })), 'permissionsRequested', /missing permission.*"connector_external_write"/);
  });

  it('an external message sender gated below external_write', () => {
    const problems = validateManifest(broken(serviceNow, (m) => {
      m.actions[workNoteAt]!.effects = ['sends_external_message'];
      m.actions[workNoteAt]!.approvalGate = 'workspace_write';
    }));
    assertProblem(problems, `actions[${workNoteAt}].approvalGate`, /sends external messages, so it needs at least the "external_write" gate/);
  });

  it('healthcheck naming a write action', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { m.healthcheck.actionId = 'servicenow.incident.add_work_note'; }));
    assertProblem(problems, 'healthcheck.actionId', /must be a read gated "read_only"/);
  });

  it('invalid JSON Schemas', () => {
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[readAt]!.inputSchema['type'] = 'banana'; })), `actions[${readAt}].inputSchema.type`, /"type" must be one of/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[assignmentAt]!.outputSchema['properties'] = ['not', 'an', 'object']; })), `actions[${assignmentAt}].outputSchema.properties`, /must be an object of schemas/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[assignmentAt]!.inputSchema['required'] = 'sysId'; })), `actions[${assignmentAt}].inputSchema.required`, /array of distinct property names/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[readAt]!.outputSchema['$ref'] = '#/$defs/missing'; })), `actions[${readAt}].outputSchema.$ref`, /does not resolve/);
    assertProblem(validateManifest(broken(serviceNow, (m) => { m.actions[readAt]!.inputSchema = { anyOf: [] }; })), `actions[${readAt}].inputSchema.anyOf`, /non-empty array/);
  });

  it('implementation paths that leave the repository', () => {
    const problems = validateManifest(broken(serviceNow, (m) => { m.implementation.files[0]!.path = '../outside.ts'; }));
    assertProblem(problems, 'implementation.files[0].path', /relative path inside the repository/);
  });
});

describe('definition checks the manifest cannot see', () => {
  const base = {
    connectorId: 'demo', name: 'Demo', description: 'A test connector.', category: 'automation_webhooks', version: '1.0.0',
    status: 'planned', authType: 'local', permissionsRequested: ['connector_read'], riskLevel: 'low', scopes: ['demo:read'],
    healthcheck: { description: 'none' },
    disconnectPolicy: { revokeAtProvider: false, deleteCredentials: true, deleteCachedData: true, description: 'nothing stored' },
    dataRetentionPolicy: { retainedData: [], retentionDays: null, description: 'nothing kept' },
    implementationFiles: ['connectors/framework/types.ts'],
  } as const;

  it('a sample input that does not match its input schema', () => {
    const demo = defineConnector({
      ...base,
      actions: [defineAction({
        actionId: 'demo.thing.get', name: 'Get', description: 'Reads a thing.', kind: 'read',
        input: z.strictObject({ id: z.string().regex(/^t_\d+$/) }), output: z.strictObject({ id: z.string() }),
        approvalGate: 'read_only', riskLevel: 'low', auditRequired: false, scopes: ['demo:read'], idempotency: 'not_applicable',
        sampleInput: { id: 'not-a-thing-id' },
      })],
    });
    const problems = validateDefinition(demo);
    assertProblem(problems, 'actions[0].sampleInput', /sample input of "demo\.thing\.get" does not match its input schema: id:/);
  });

  it('a schema JSON Schema cannot express', () => {
    const demo = defineConnector({
      ...base,
      actions: [defineAction({
        actionId: 'demo.thing.get', name: 'Get', description: 'Reads a thing.', kind: 'read',
        input: z.strictObject({ id: z.string() }), output: z.string().transform((s) => s.length),
        approvalGate: 'read_only', riskLevel: 'low', auditRequired: false, scopes: ['demo:read'], idempotency: 'not_applicable',
        sampleInput: { id: 't_1' },
      })],
    });
    assertProblem(validateDefinition(demo), 'actions[0].output', /cannot be expressed as JSON Schema/);
  });
});
