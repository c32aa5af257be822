/**
 * An available connector's definition must implement what its manifest will promise: a
 * connection, each read's run, each write's preview and apply (or batch). Planned connectors
 * only describe.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { connectorDefinitions } from '../../connectors/framework/catalog';
import { defineAction } from '../../connectors/framework/define-connector';
import type { ConnectorDefinition } from '../../connectors/framework/types';
import { validateDefinition } from '../../connectors/framework/validate-definition';

describe('definitions implement their actions', () => {
  it('every shipped connector passes (available ones are fully implemented)', () => {
    for (const definition of connectorDefinitions) assert.deepEqual(validateDefinition(definition), [], definition.connectorId);
  });

  it('an available connector with a write that cannot run, or no connection, is refused with the reason', () => {
    const base = connectorDefinitions.find((d) => d.connectorId === 'servicenow')!;
    const stub: ConnectorDefinition = {
      ...base,
      connect: undefined,
      actions: [defineAction({
        actionId: 'servicenow.incident.reopen', name: 'Reopen', description: 'Reopens an incident.', kind: 'write',
        input: z.strictObject({ sysId: z.string() }), output: z.strictObject({ ok: z.boolean() }), approvalGate: 'external_write',
        auditRequired: true, scopes: ['table:incident:write'], idempotency: 'natural', riskLevel: 'medium',
        reversal: { reversible: false, procedure: 'Resolve it again.' },
      })],
    };
    const problems = validateDefinition(stub).map((p) => `${p.path}: ${p.message}`);
    assert.ok(problems.some((p) => /^connect: .*declares no connect/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /actions\[0\]\.apply: write action "servicenow\.incident\.reopen" needs preview and apply/.test(p)), problems.join('\n'));
    assert.deepEqual(validateDefinition({ ...stub, status: 'planned' }), [], 'a planned connector only describes');
  });
});
