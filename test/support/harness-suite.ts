/**
 * One harness per test file on the time-skipping server: registers the before/after hooks and
 * hands out the running harness and environment.
 */
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import { startHarness, type Harness, type HarnessOptions } from './harness';

export interface SuiteContext {
  readonly h: Harness;
  readonly env: TestWorkflowEnvironment;
}

export function useTimeSkippingHarness(opts: Omit<HarnessOptions, 'workflowBundle'> = {}): SuiteContext {
  let env: TestWorkflowEnvironment | undefined;
  let harness: Harness | undefined;
  before(async () => {
    const [e, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
    env = e;
    harness = await startHarness(e, { ...opts, workflowBundle: bundle });
  });
  after(async () => {
    await harness?.close();
    await env?.teardown();
  });
  return {
    get h() {
      if (!harness) throw new Error('the harness is not running (used outside a test?)');
      return harness;
    },
    get env() {
      if (!env) throw new Error('the Temporal test environment is not running');
      return env;
    },
  };
}
