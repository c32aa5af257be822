/**
 * What an action's implementation is given and must return. An action file (see
 * `connectors/servicenow/actions/resolve-incident.ts`) pairs its schemas and facts with these
 * functions; the action runtime (`action-runtime/`) calls them after validating the input
 * against the action's schema and checking the tenant's policy, and validates what they return.
 *
 * Plain data crosses the workflow boundary (previews, receipts); connections (API clients) and
 * secrets never do: they live in the activity that calls the implementation.
 */

/** One field a write changes, with the value it replaces: what the approver sees. */
export interface FieldChange {
  field: string;
  from: string;
  to: string;
  /** Human-readable forms for the approver (a group's name for its sys_id), when known. */
  fromLabel?: string;
  toLabel?: string;
  /** Shown to the approver but not written: it follows from other fields (priority from impact × urgency). */
  derived?: boolean;
}

/** What an approval is about, shown above the diff: a record and a few facts about it. */
export interface ApprovalSubject {
  /** The connector the record lives in, and the record's kind and id there. */
  connectorId: string;
  kind: string;
  id: string;
  /** How people name it (an incident number, `owner/repo:path`). */
  label: string;
  /** One line saying what it is (the incident's short description). */
  title: string;
  /** A few facts the approver needs (priority, state, who last changed it). */
  facts: Array<{ label: string; value: string }>;
  /** The record's version when planned (ServiceNow's sys_mod_count), when the provider keeps one. */
  version?: number;
  /**
   * People connected to the record who may not approve changes to it (no self-approval): the
   * incident's caller and opener. `email` is how they are matched to approvers; `problem` says
   * why a requester could not be identified (the approval then fails closed, see policy).
   */
  requesters: Array<{ role: string; email?: string; problem?: string }>;
}

/** What a write will do, read from the provider before anyone is asked (reads only, never writes). */
export interface WritePreview {
  /** The record changed; several actions on one record are approved and applied together. */
  subject: ApprovalSubject;
  /** Exactly what will change, each with the value it replaces. */
  changes: FieldChange[];
}

/** How one approved field (or note, or message) ended up. */
export type FieldOutcome = 'applied' | 'already_applied' | 'skipped_stale' | 'shadow';

export interface FieldWriteResult {
  field: string;
  before: string;
  after: string;
  outcome: FieldOutcome;
  /** For skipped_stale: the value a human put there after the approval was requested. */
  currentValue?: string;
}

/** What a write did: its output (validated against the action's output schema) and, per field, what happened. */
export interface WriteReceipt<O = unknown> {
  output: O;
  fields: FieldWriteResult[];
}

/** What every implementation is handed. */
export interface ActionContext<C> {
  /** The connector's client for this tenant (opened by the connector's `connect`). */
  connection: C;
  tenantId: string;
  /**
   * Unique per run, plan and action, and the same on every retry of it: a write that the
   * provider cannot make idempotent by itself stores or embeds this key.
   */
  idempotencyKey: string;
  /** Unique per run and plan (`<workflowId>/<runId>` for a run's first plan): markers shared by one plan's writes. */
  planKey: string;
  /** Reads shared within one step: several actions on one record read it once. */
  memo<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/** An approved write with what the approver saw, as a batch applier receives it. */
export interface ApprovedWrite<I = unknown> {
  actionId: string;
  input: I;
  approved: WritePreview;
  idempotencyKey: string;
}

/**
 * Writes of one provider that can be applied together: every approved write of a plan that
 * names the same batch and the same record goes to `apply` at once (ServiceNow: one PATCH for
 * the fields and the work note of one incident). Each write's receipt comes back in order.
 */
export interface WriteBatch<C> {
  /** Stable name; writes with the same name and subject id are applied together. */
  id: string;
  apply(ctx: ActionContext<C>, writes: ApprovedWrite[]): Promise<WriteReceipt[]>;
}

/** What the smoke test knows about an installation, to derive real inputs for read actions. */
export interface InstallationFacts {
  /** The connector's install configuration (GitHub: appId, installationId, owner, repo). */
  config: Record<string, unknown>;
  /** Values from the tenant's settings a read may use (ServiceNow instance, Slack channel). */
  settings: Record<string, string | undefined>;
}
