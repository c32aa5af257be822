/**
 * The marketplace document's "Connector Marketplace Smoke Test API": for a tenant's connection,
 * run the healthcheck and each read-only action with safe sample inputs, and report pass/fail
 * with timings. Only read-only actions are ever called, so nothing is written anywhere.
 */
import type { ConnectorManifest } from '../connectors/framework/manifest-schema';
import { runConnectorHealthcheck } from '../connectors/healthchecks';
import { readActionFor } from '../connectors/read-actions';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';

export interface SmokeStep {
  step: string;
  outcome: 'pass' | 'fail' | 'skipped';
  durationMs: number;
  detail: string;
}

export interface SmokeReport {
  connectorId: string;
  passed: boolean;
  steps: SmokeStep[];
  wroteAnything: false;
}

/** A provider answering "not found" for a sample id still proves auth and reachability. */
const notFound = /not_found|404|user_not_found|no_such_subteam/;

export async function runSmokeTest(
  deps: TenantDeps, tenant: TenantContext, manifest: ConnectorManifest, inputs: Record<string, Record<string, unknown>>, now: () => number = Date.now,
): Promise<SmokeReport> {
  const steps: SmokeStep[] = [];
  const health = await runConnectorHealthcheck(deps, tenant, manifest.connectorId, now);
  steps.push({ step: 'healthcheck', outcome: health.ok ? 'pass' : 'fail', durationMs: health.durationMs, detail: health.detail });

  for (const action of manifest.actions.filter((a) => a.approvalGate === 'read_only')) {
    const run = readActionFor(action.actionId);
    const input = inputs[action.actionId] ?? action.sampleInput;
    if (!run || !input) {
      steps.push({ step: action.actionId, outcome: 'skipped', durationMs: 0, detail: run ? 'no sample input' : 'no executor for this action yet' });
      continue;
    }
    const started = now();
    try {
      const output = await run(deps, tenant, input as Record<string, unknown>);
      steps.push({ step: action.actionId, outcome: 'pass', durationMs: now() - started, detail: JSON.stringify(output) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const reached = notFound.test(message);
      steps.push({ step: action.actionId, outcome: reached ? 'pass' : 'fail', durationMs: now() - started, detail: reached ? `provider reached; sample record not found (${message})` : message });
    }
  }
  return { connectorId: manifest.connectorId, passed: steps.every((s) => s.outcome !== 'fail'), steps, wroteAnything: false };
}
