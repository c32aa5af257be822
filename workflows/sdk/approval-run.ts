/**
 * The runtime for workflow developers. In a workflow:
 *
 *   const run = approvalRun(input);
 *   const resolved = await run.action<typeof resolveIncident>('servicenow.incident.resolve', { sysId, closeCode, closeNotes }, {
 *     purpose: 'resolution', reason: 'the fix is deployed',
 *   });
 *   return run.result(resolved);
 *
 * Every call goes through one path: the input is validated against the action's manifest schema,
 * the tenant's policy decides (allow / needs approval / blocked), and when a person must agree
 * the shared Slack approval runs (context, exact diff, quorum, no self-approval, expiry,
 * reminders, audit link) before the action is executed — idempotently, with prior values
 * recorded for a revert. Several actions passed to `actions()` are approved once, as one plan,
 * and applied together (one PATCH per ServiceNow record). Reads the policy allows run at once.
 *
 * The run answers the `state` query and the `decide` signal like triage runs do, so operators
 * and approvers see every kind of run alike. Workflow code: deterministic.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import { planKeyOf } from '../../action-runtime/action-keys';
import type { ActionCall } from '../../action-runtime/plan-types';
import type { ActionDefinition } from '../../connectors/framework/types';
import type { TriageResult } from '../../triage/types';
import { seekApprovalAndWrite } from '../approval-flow';
import { steps } from '../run-activities';
import { recordFailure, startBookkeeping, type RunBookkeeping } from '../run-bookkeeping';

/** What every approval run is started with (see `startApprovalRun`). */
export interface ApprovalRunInput {
  tenantId: string;
  tenantSlug: string;
}

export interface PlanOptions {
  /** What the run does, in a few words: "Approval needed: <purpose> of INC0010001". */
  purpose: string;
  /** Why, shown to approvers. */
  reason?: string;
}

/** The outcome of one plan: how it ended, and what each action returned. */
export type PlanOutcome = TriageResult;

/** The outcome of a single action, with its output when it ran. */
export interface ActionOutcome<O> extends PlanOutcome {
  output?: O;
}

/** The output type of an action definition: `OutputOf<typeof resolveIncident>`. */
export type OutputOf<A> = A extends ActionDefinition<z.ZodType, infer O> ? z.output<O> : unknown;
/** The input type of an action definition. */
export type InputOf<A> = A extends ActionDefinition<infer I, z.ZodType> ? z.input<I> : unknown;

export interface ApprovalRun {
  /** The run's bookkeeping (state query, status search attribute, audit). */
  readonly bookkeeping: RunBookkeeping;
  /** Runs several actions as one plan: one approval (when the policy asks for one), applied together. */
  actions(calls: ActionCall[], options: PlanOptions): Promise<PlanOutcome>;
  /**
   * Runs one action. `A` (`typeof` the action's export, imported with `import type`) types the
   * input and output; the runtime validates both against the signed manifest either way.
   */
  action<A = unknown>(actionId: string, input: InputOf<A>, options: PlanOptions): Promise<ActionOutcome<OutputOf<A>>>;
  /** The workflow's result: the last plan's outcome, with the run's status set for operators. */
  result(outcome: PlanOutcome): PlanOutcome;
  /** Runs `body`, recording a failure for operators (status "failed", audit) before it propagates. */
  guard<T>(body: () => Promise<T>): Promise<T>;
}

export function approvalRun(input: ApprovalRunInput, label = 'run'): ApprovalRun {
  const { workflowId, runId } = workflowInfo();
  const bookkeeping = startBookkeeping({ tenantId: input.tenantId, tenantSlug: input.tenantSlug, incident: label });
  let plans = 0;

  async function actions(calls: ActionCall[], options: PlanOptions): Promise<PlanOutcome> {
    plans += 1;
    bookkeeping.setStatus('planning');
    const plan = await steps.planActions({
      tenantId: input.tenantId, calls, planKey: planKeyOf(workflowId, runId, plans), purpose: options.purpose,
      ...(options.reason ? { reason: options.reason } : {}),
    });
    bookkeeping.state.plan = plan;
    if (plan.subject) bookkeeping.setIncident(plan.subject.label);
    if (plan.actions.length === 0) {
      await bookkeeping.audit('run.nothing_to_do', 'skipped', { actions: calls.map((c) => c.actionId) });
      return bookkeeping.finish('nothing_to_do', 'nothing to change: the records already say so');
    }
    return seekApprovalAndWrite(input.tenantId, plan, bookkeeping);
  }

  return {
    bookkeeping,
    actions,
    async action<A>(actionId: string, actionInput: InputOf<A>, options: PlanOptions): Promise<ActionOutcome<OutputOf<A>>> {
      const outcome = await actions([{ actionId, input: actionInput }], options);
      const written = outcome.writes.find((w) => w.actionId === actionId);
      return { ...outcome, ...(written?.output !== undefined ? { output: written.output as OutputOf<A> } : {}) };
    },
    result: (outcome) => outcome,
    async guard(body) {
      try {
        return await body();
      } catch (err) {
        await recordFailure(bookkeeping, err);
        throw err;
      }
    },
  };
}
