/**
 * When a tenant's reconciliation should run: only with reconciliation on in its settings and its
 * ServiceNow connection enabled (or configured at tenant creation, without a marketplace record).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredReconcileState } from '../../temporal/reconcile-schedule-sync';
import { reconcileSettingsSchema } from '../../tenancy/tenant-settings';

const on = reconcileSettingsSchema.parse({});

describe('desired reconciliation state', () => {
  it('is on by default, every 5 minutes, first pass 24 h back', () => {
    assert.deepEqual(on, { enabled: true, intervalSeconds: 300, initialLookbackSeconds: 86_400 });
    assert.deepEqual(desiredReconcileState(on, undefined), { run: true });
    assert.deepEqual(desiredReconcileState(on, { status: 'enabled' }), { run: true });
  });

  it('pauses with the reason when turned off or when ServiceNow is not enabled', () => {
    assert.deepEqual(desiredReconcileState({ ...on, enabled: false }, { status: 'enabled' }), { run: false, reason: 'reconciliation is turned off in the tenant settings' });
    assert.deepEqual(desiredReconcileState(on, { status: 'disconnected' }), { run: false, reason: 'ServiceNow connection disconnected' });
    assert.deepEqual(desiredReconcileState(on, { status: 'healthcheck_failed' }), { run: false, reason: 'ServiceNow connection healthcheck failed' });
    assert.deepEqual(desiredReconcileState(on, { status: 'pending_review' }), { run: false, reason: 'ServiceNow connection pending review' });
  });

  it('refuses intervals under 10 s', () => {
    assert.equal(reconcileSettingsSchema.safeParse({ intervalSeconds: 5 }).success, false);
  });
});
