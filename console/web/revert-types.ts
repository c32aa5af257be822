/** What `GET /console/api/runs/:workflowId/revert` answers, and how the page reads a revert's status. */
export interface RevertRestore {
  action: string;
  field: string;
  /** The value the run wrote (what the field holds until the revert). */
  from: string | null;
  /** The value it replaced, which the revert puts back. */
  to: string | null;
}

export interface RevertSummary {
  workflowId: string;
  triageRunId: string | null;
  requestedBy: string | null;
  reason: string | null;
  requestedAt: string;
  status: string;
  updatedAt: string;
}

export interface RevertView {
  runId: string | null;
  restores: RevertRestore[];
  revert: RevertSummary | null;
  reasonLength: { min: number; max: number };
}

export interface RevertStarted {
  status: string;
  workflowId: string;
}

/** Statuses a revert run ends in; any other means it is still waiting or working. */
const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'completed', 'completed_with_conflicts', 'shadow_completed', 'nothing_to_do', 'denied', 'expired', 'blocked', 'rejected', 'failed',
]);

export const revertIsOpen = (revert: RevertSummary): boolean => !FINAL_STATUSES.has(revert.status);

/** Whether the revert put fields back (fully, or all but those changed since the triage). */
export const revertRestored = (revert: RevertSummary): boolean => revert.status === 'completed' || revert.status === 'completed_with_conflicts';

/** The sentence a closed revert is announced with. */
export function revertOutcomeText(status: string): string {
  switch (status) {
    case 'completed': return 'Reverted: each field is back to its prior value.';
    case 'completed_with_conflicts': return 'Reverted, except fields someone changed since the triage; the revert run says which.';
    case 'nothing_to_do': return 'Nothing was put back: the fields already hold their prior values or were changed since.';
    case 'denied': return 'The revert was denied; nothing was changed.';
    case 'expired': return 'The revert request expired without a decision; nothing was changed.';
    default: return `The revert ended ${status.replace(/_/g, ' ')}; nothing was changed. The revert run says why.`;
  }
}
