/**
 * The test harness: the local stack (scripts/local-stack) with a captured logger, so tests can
 * scan what was logged, and the Temporal SDK runtime installed quietly first.
 */
import './temporal-runtime';
import { startLocalStack, type LocalStack, type LocalStackOptions, type TemporalHandles } from '../../scripts/local-stack/local-stack';
import { capturedLogger } from './captured-logger';

export { approvers, channelId, integrationUser, outsider, teamId, type TemporalHandles } from '../../scripts/local-stack/local-stack';

/** A running Gatehouse with its simulators and the tenant "acme". */
export type Harness = LocalStack;

/** The stack's options; the logger defaults to one whose lines are kept for the log scan. */
export type HarnessOptions = Omit<LocalStackOptions, 'logger'> & Partial<Pick<LocalStackOptions, 'logger'>>;

/** Starts the whole stack against `env`. */
export function startHarness(env: TemporalHandles, opts: HarnessOptions): Promise<Harness> {
  return startLocalStack(env, { ...opts, logger: opts.logger ?? capturedLogger() });
}
