/**
 * The marketplace document's "Connector Marketplace Smoke Test API": for a tenant's connection,
 * run the healthcheck and then each read action through the action runtime (`runRead`: input
 * and output validated against the action's schemas, the verified manifest required) with an
 * input derived from the installation, and report pass/fail/skipped with timings.
 *
 * A read passes only when the provider answered and the answer matched the output schema: any
 * error, a 404 included, fails the step with its reason. A read with no input (the
 * installation names nothing for it to read, and the caller gave none) is skipped, never
 * passed. Only reads are ever run, so nothing is written anywhere.
 */
import { findAction } from '../action-runtime/action-catalog';
import { runRead } from '../action-runtime/run-read';
import type { ConnectorManifest } from '../connectors/framework/manifest-schema';
import type { ConnectorRegistry } from '../connectors/framework/registry';
import { runConnectorHealthcheck } from '../connectors/healthchecks';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { installationFacts } from './installation-facts';
import { summarizeOutput } from './output-summary';

export interface SmokeStep {
  step: string;
  outcome: 'pass' | 'fail' | 'skipped';
  durationMs: number;
  detail: string;
}

export interface SmokeReport {
  connectorId: string;
  /** No step failed (skipped steps do not fail the report, and do not count as passes either). */
  passed: boolean;
  steps: SmokeStep[];
  wroteAnything: false;
}

const reasonOf = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * @param inputs - inputs by action id, given by the caller; they take precedence over the ones
 *   derived from the installation.
 */
export async function runSmokeTest(
  deps: TenantDeps & { registry: ConnectorRegistry }, tenant: TenantContext, manifest: ConnectorManifest,
  inputs: Record<string, Record<string, unknown>>, now: () => number = Date.now,
): Promise<SmokeReport> {
  const steps: SmokeStep[] = [];
  const health = await runConnectorHealthcheck(deps, tenant, manifest.connectorId, now);
  steps.push({ step: 'healthcheck', outcome: health.ok ? 'pass' : 'fail', durationMs: health.durationMs, detail: health.detail });

  const facts = await installationFacts(deps, tenant, manifest.connectorId);
  for (const declared of manifest.actions.filter((a) => a.kind === 'read')) {
    const action = findAction(declared.actionId)?.action;
    if (action?.kind !== 'read' || !action.run) {
      steps.push({ step: declared.actionId, outcome: 'skipped', durationMs: 0, detail: 'this action has no implementation yet' });
      continue;
    }
    const input = inputs[declared.actionId] ?? action.smokeInput?.(facts);
    if (input === undefined) {
      steps.push({
        step: declared.actionId, outcome: 'skipped', durationMs: 0,
        detail: 'no input: the installation\'s configuration names nothing for this action to read, and the request gave none',
      });
      continue;
    }
    const started = now();
    try {
      const output = await runRead(deps, tenant, { actionId: declared.actionId, input, key: `smoke-test/${tenant.id}/${declared.actionId}` });
      steps.push({ step: declared.actionId, outcome: 'pass', durationMs: now() - started, detail: summarizeOutput(output) });
    } catch (err) {
      steps.push({ step: declared.actionId, outcome: 'fail', durationMs: now() - started, detail: reasonOf(err) });
    }
  }
  return { connectorId: manifest.connectorId, passed: steps.every((s) => s.outcome !== 'fail'), steps, wroteAnything: false };
}
