import express, { type Request, type Response, type Router } from 'express';
import { isRecord, readBlocks } from './blocks';
import { booleanParam, stringParam } from './request-params';
import type { SlackStore } from './store';
import type { ResponseUrlRecord } from './types';

type ResponseUrlParams = { teamId: string; id: string; secret: string };

/**
 * Answers like hooks.slack.com: a short plain word, not JSON. Success is `200 ok`; failures use
 * 4xx with the error name as the body.
 */
function sendText(res: Response, status: number, text: string): void {
  res.status(status).type('text/html; charset=utf-8').send(text);
}

/**
 * Router for `POST /actions/{teamId}/{id}/{secret}` — the response_url handed out with each click.
 * JSON body `{text, blocks, response_type, replace_original, delete_original, thread_ts}`.
 * At most 5 uses within 30 minutes, like Slack.
 */
export function responseUrlRouter(store: SlackStore): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));
  router.post('/:teamId/:id/:secret', (req: Request<ResponseUrlParams>, res: Response) => {
    const record = store.responseUrl(req.params.teamId, req.params.id, req.params.secret);
    if (record === undefined) {
      sendText(res, 404, 'no_service');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      sendText(res, 400, 'invalid_payload');
      return;
    }
    if (!isRecord(body)) {
      sendText(res, 400, 'invalid_payload');
      return;
    }
    const rejection = store.useResponseUrl(record);
    if (rejection !== undefined) {
      sendText(res, 404, rejection);
      return;
    }
    const result = applyResponse(store, record, body);
    sendText(res, result === 'ok' ? 200 : result === 'message_not_found' ? 404 : 400, result);
  });
  return router;
}

/** Performs what a response_url message asks for; returns `ok` or an error name. */
function applyResponse(store: SlackStore, record: ResponseUrlRecord, body: Record<string, unknown>): string {
  const original = store.findMessage(record.channel, record.messageTs);
  if (booleanParam(body, 'delete_original') === true) {
    if (original === undefined) return 'message_not_found';
    store.deleteMessage(original);
    return 'ok';
  }
  const blocks = readBlocks(body);
  if (blocks.kind === 'invalid') return 'invalid_blocks';
  const text = stringParam(body, 'text') ?? '';
  const blockList = blocks.kind === 'ok' ? blocks.blocks : undefined;
  if (text.trim() === '' && (blockList === undefined || blockList.length === 0)) return 'no_text';

  if (booleanParam(body, 'replace_original') === true) {
    if (original === undefined) return 'message_not_found';
    // A replacement is a whole new message body, not a merge with the old one.
    store.updateMessage(original, text, blockList ?? []);
    return 'ok';
  }
  if (stringParam(body, 'response_type') === 'in_channel') {
    const workspace = store.workspace(record.teamId);
    const threadTs = stringParam(body, 'thread_ts');
    store.postMessage({
      teamId: record.teamId,
      channel: record.channel,
      text,
      blocks: blockList ?? [],
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      ...(workspace === undefined
        ? {}
        : { user: workspace.botUserId, bot_id: workspace.botId, app_id: workspace.appId }),
    });
    return 'ok';
  }
  // Slack's default response_type is ephemeral: only the clicking user sees it.
  store.addEphemeral({
    channel: record.channel,
    user: record.userId,
    text,
    ...(blockList === undefined ? {} : { blocks: blockList }),
    viaResponseUrl: true,
  });
  return 'ok';
}
