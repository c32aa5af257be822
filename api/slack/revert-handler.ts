/**
 * The "Revert…" button on a completed triage's outcome message: starts the revert run for the
 * person who clicked (who then may not approve it) and tells them privately what happened.
 * Anyone in the channel may ask; the revert is still approved by the tenant's approvers.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Client } from '@temporalio/client';
import { decodeRevertValue, revertActionId } from '../../connectors/slack/action-ids';
import type { Queryable } from '../../db/queryable';
import { isTenantRun } from '../../workflows/triage-ids';
import { startRevert } from '../admin/start-revert';
import { HttpError } from '../http-error';

export interface RevertHandlerContext {
  temporal: Client;
  taskQueue: string;
  pool: Queryable;
  tenant: { id: string; slug: string; teamId?: string };
  onError: (err: unknown) => void;
}

export function registerRevertHandler(app: App, ctx: RevertHandlerContext): void {
  app.action<BlockButtonAction>(revertActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch(ctx.onError);
    const value = decodeRevertValue(action.value);
    if (!value || !isTenantRun(value.workflowId, ctx.tenant.slug) || (ctx.tenant.teamId && body.team?.id !== ctx.tenant.teamId)) {
      await tell('This button does not belong to a triage run of this workspace.');
      return;
    }
    try {
      const started = await startRevert(ctx, {
        triageWorkflowId: value.workflowId, triageRunId: value.runId, requestedBy: body.user.id,
        reason: 'asked for in Slack from the triage outcome message',
      });
      await tell(`Revert requested (run \`${started.workflowId}\`): the approvers are asked in this channel. You cannot approve your own request.`);
    } catch (err) {
      // The API's refusals (run still open, nothing to revert, a revert already open) read well as they are.
      if (err instanceof HttpError && err.status < 500) {
        await tell(`No revert started: ${err.message}.`);
        return;
      }
      ctx.onError(err);
      await tell('Gatehouse could not start the revert right now; please try again.');
    }
  });
}
