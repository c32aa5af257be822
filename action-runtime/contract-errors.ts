/**
 * A value that does not match an action's schema: the input a workflow passed, or the output an
 * implementation returned. Final (retrying cannot fix it) and names each field that is wrong.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

export type ContractSide = 'input' | 'output';

export class ActionContractError extends Error {
  override readonly name = 'ActionContractError';
  constructor(
    readonly actionId: string,
    readonly side: ContractSide,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(`${side} of ${actionId} does not match its manifest schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }

  /** As Temporal sees it: a non-retryable failure with a stable type per side. */
  toFailure(): ApplicationFailure {
    return ApplicationFailure.create({
      type: `Gatehouse.action_${this.side}_invalid`, message: this.message, nonRetryable: true, details: [{ actionId: this.actionId, issues: this.issues }],
    });
  }
}

/** Parses `value` with the action's schema, or throws an {@link ActionContractError} naming the fields. */
export function parseContract<S extends z.ZodType>(schema: S, value: unknown, actionId: string, side: ContractSide): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ActionContractError(actionId, side, parsed.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : `(${side})`, message: issue.message,
  })));
}

/** An action no connector declares, or one that cannot run the way it was asked to (a write outside a plan). */
export class UnknownActionError extends Error {
  override readonly name = 'UnknownActionError';
  readonly code = 'unknown_action';
}
