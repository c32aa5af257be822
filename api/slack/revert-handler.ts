/**
 * The "Revert…" button on a completed triage's outcome message opens a modal asking why; its
 * submission starts the revert run for the person who asked (who then may not approve it).
 * Refusals (run still open, nothing to revert, a revert already open) keep the modal open with
 * the reason. Anyone in the channel may ask; the tenant's approvers still decide.
 */
import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';
import { decodeRevertValue, revertActionId } from '../../connectors/slack/action-ids';
import {
  decodeRevertModalMetadata, revertModal, revertModalCallbackId, revertReasonBlockId, revertReasonMinLength,
} from '../../connectors/slack/revert-modal';
import type { Queryable } from '../../db/queryable';
import { RunRefusedError } from '../../runs/errors';
import { startRevert } from '../../runs/start-revert';
import { isOwnRun, type SlackTenant } from './slack-tenant';

export interface RevertHandlerContext {
  temporal: Client;
  taskQueue: string;
  pool: Queryable;
  tenant: SlackTenant;
  /** The tenant's bot client (views.open and the requester's private answer need the bot token). */
  slack: () => Promise<WebClient>;
  onError: (err: unknown) => void;
}

const foreign = 'This button does not belong to a triage run of this workspace.';

export function registerRevertHandler(app: App, ctx: RevertHandlerContext): void {
  app.action<BlockButtonAction>(revertActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const value = decodeRevertValue(action.value);
    const channel = body.channel?.id;
    if (!value || !channel || !isOwnRun(ctx.tenant, value.workflowId, body.team?.id)) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: foreign }).catch(ctx.onError);
      return;
    }
    try {
      // The trigger_id is valid for 3 seconds: open the modal before anything else.
      await (await ctx.slack()).views.open({ trigger_id: body.trigger_id, view: revertModal({ ...value, channel }) });
    } catch (err) {
      ctx.onError(err);
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'Gatehouse could not open the revert form; please try again.' }).catch(ctx.onError);
    }
  });

  app.view<ViewSubmitAction>(revertModalCallbackId, async ({ ack, body, view }) => {
    const metadata = decodeRevertModalMetadata(view.private_metadata);
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [revertReasonBlockId]: message } });
    if (!metadata || !isOwnRun(ctx.tenant, metadata.workflowId, body.team?.id)) {
      await refuse(foreign);
      return;
    }
    const reason = (view.state.values[revertReasonBlockId]?.[revertReasonBlockId]?.value ?? '').trim();
    if (reason.length < revertReasonMinLength) {
      await refuse(`Say in a few words why (at least ${revertReasonMinLength} characters).`);
      return;
    }
    let started: { workflowId: string };
    try {
      started = await startRevert(ctx, { triageWorkflowId: metadata.workflowId, triageRunId: metadata.runId, requestedBy: body.user.id, reason });
    } catch (err) {
      // Refusals read well as they are; anything else is ours to log.
      if (err instanceof RunRefusedError) {
        await refuse(`No revert started: ${err.message}.`);
        return;
      }
      ctx.onError(err);
      await refuse('Gatehouse could not start the revert right now; please try again.');
      return;
    }
    await ack();
    await (await ctx.slack()).chat.postEphemeral({
      channel: metadata.channel, user: body.user.id,
      text: `Revert requested (run \`${started.workflowId}\`): the approvers are asked in this channel. You cannot approve your own request.`,
    }).catch(ctx.onError);
  });
}
