/**
 * Why a run was not started, in terms of runs rather than of any one caller: the API answers
 * with an HTTP status chosen from the code, Slack shows the message in the form, a CLI prints
 * both. The codes are stable; callers (and their users) rely on them.
 */

/** A stable, machine-readable reason for a refusal. */
export type RunRefusalCode = 'run_not_found' | 'not_a_triage_run' | 'run_open' | 'nothing_to_revert' | 'revert_in_progress';

/** A run was not started (or signalled) because of what the request asked, not a failure of ours. */
export class RunRefusedError extends Error {
  override readonly name = 'RunRefusedError';

  constructor(readonly code: RunRefusalCode, message: string) {
    super(message);
  }
}
