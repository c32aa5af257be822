/**
 * What the reconciliation run and its activities exchange. Types only (plus the workflow type
 * name), so workflow code can import it; all of it stays small, because it lands in history.
 */
import type { ChangePosition } from '../connectors/servicenow/list-changed-incidents';

export type { ChangePosition } from '../connectors/servicenow/list-changed-incidents';

/** The workflow type the per-tenant Schedule starts. */
export const reconcileWorkflowType = 'reconcileIncidents';

/** Input of one reconciliation pass (the Schedule passes only the tenant). */
export interface ReconcileInput {
  tenantId: string;
  tenantSlug: string;
  /** Seconds re-read before the watermark, for clock skew and late commits (default 120). */
  overlapSeconds?: number;
  /** A tenant's first pass (no watermark yet) looks back this far (default 86400). */
  initialLookbackSeconds?: number;
  /** Incidents per Table API page (default 100). */
  pageSize?: number;
  /** Pages per workflow run before it continues as new (default 50): keeps history small. */
  pagesPerRun?: number;
  /** Set by continue-as-new only: where the pass stands and what it has counted. */
  resume?: ReconcileProgress;
}

/** Why an incident needed nothing. */
export interface SkipCounts {
  /** Its latest change was made by the tenant's integration user (our own write-back). */
  echo: number;
  /** At the stored watermark and already handled by an earlier pass. */
  seenBefore: number;
}

/** Counters of a page or a whole pass. */
export interface ReconcileCounts {
  /** Changes read from ServiceNow. */
  scanned: number;
  /** Triage runs this pass started. */
  started: number;
  /** A triage run existed already (open, finished, or started by the webhook in the same instant). */
  alreadyHandled: number;
  skipped: SkipCounts;
  /** Table API requests made. */
  serviceNowRequests: number;
}

/** What happened to one incident. */
export type IncidentOutcome = 'started' | 'already_handled' | 'skipped_echo' | 'skipped_seen_before';

/** One incident's outcome, as an example for operators (results keep only a few). */
export interface ReconcileExample {
  incident: string;
  outcome: IncidentOutcome;
  /** e.g. "open", "finished", "started by reconciliation earlier", "webhook started it first". */
  reason?: string;
  workflowId?: string;
}

/** Where the pass begins. */
export interface ReconcileStart {
  /** The stored watermark before this pass (initialised on a tenant's first pass). */
  watermarkFrom: string;
  /** The position the scan starts at: the watermark minus the overlap, inclusive. */
  position: ChangePosition;
}

/** Input of the page activity. */
export interface ReconcilePageInput {
  tenantId: string;
  tenantSlug: string;
  position: ChangePosition;
  pageSize: number;
}

/** One page handled. */
export interface ReconcilePageResult extends ReconcileCounts {
  next: ChangePosition;
  exhausted: boolean;
  /** The stored watermark after this page. */
  watermark: string;
  examples: ReconcileExample[];
}

/** A pass in progress (also what continue-as-new carries). */
export interface ReconcileProgress extends ReconcileCounts {
  watermarkFrom: string;
  watermarkTo: string;
  /** Lower bound of the scan (watermarkFrom minus the overlap). */
  scannedFrom: string;
  position: ChangePosition;
  pages: number;
  /** Workflow runs so far in this pass (continue-as-new adds one). */
  runs: number;
  examples: ReconcileExample[];
}

/** The result shown in the Temporal UI: counts, watermarks and a few examples, never every id. */
export interface ReconcileResult extends Omit<ReconcileProgress, 'position'> {
  tenant: string;
}
