import express, { type Request, type Response, type Router } from 'express';
import { postEphemeral, postMessage, updateMessage } from './chat-methods';
import type { FaultQueue } from './faults';
import { authRevoke, authTest, conversationsInfo, userGroupUsersList, usersInfo } from './lookup-methods';
import type { MethodHandler } from './method-context';
import { missingScope } from './method-scopes';
import { oauthV2Access } from './oauth-access-method';
import { decodeApiRequest } from './request-params';
import type { SlackStore } from './store';
import { authenticateToken } from './token-auth';
import { viewsOpen } from './views-methods';

/** The implemented Web API methods. */
const METHODS: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'auth.revoke': authRevoke,
  'chat.postMessage': postMessage,
  'chat.update': updateMessage,
  'chat.postEphemeral': postEphemeral,
  'users.info': usersInfo,
  'usergroups.users.list': userGroupUsersList,
  'conversations.info': conversationsInfo,
  'views.open': viewsOpen,
};

/** Token exchange method: authenticated by client credentials, not a bearer token. */
const OAUTH_ACCESS = 'oauth.v2.access';

/**
 * Sends a Web API JSON body. Slack answers HTTP 200 for every failure except rate limiting,
 * and `@slack/web-api` relies on that: any other status becomes a WebAPIHTTPError.
 */
function sendJson(res: Response, body: Record<string, unknown>, status = 200): void {
  res.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * Router for `{base}/api/{method}`. Order per call: count it, apply an injected fault, decode
 * the body, reject unknown methods, authenticate, then run the method.
 */
export function webApiRouter(store: SlackStore, faults: FaultQueue): Router {
  const router = express.Router();
  // Raw bytes for every content type: the decoder needs to see exactly what was sent.
  router.use(express.raw({ type: () => true, limit: '5mb' }));
  router.all('/:method', async (req: Request<{ method: string }>, res: Response) => {
    const method = req.params.method;
    store.countCall(method);

    const fault = faults.take(method);
    if (fault?.kind === 'ratelimited') {
      res.set('Retry-After', String(fault.retryAfterSeconds));
      sendJson(res, { ok: false, error: 'ratelimited' }, 429);
      return;
    }
    if (fault?.kind === 'error') {
      sendJson(res, { ok: false, error: fault.error });
      return;
    }

    const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    const isOAuthAccess = method === OAUTH_ACCESS;
    if (handler === undefined && !isOAuthAccess) {
      sendJson(res, { ok: false, error: 'unknown_method', req_method: method });
      return;
    }

    const decoded = await decodeApiRequest({
      contentType: req.get('content-type'),
      authorization: req.get('authorization'),
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      query: req.query,
    });
    if (!decoded.ok) {
      sendJson(res, { ok: false, error: decoded.error });
      return;
    }
    // oauth.v2.access authenticates the client, not a token, so it runs before the token check.
    if (isOAuthAccess) {
      sendJson(res, oauthV2Access(store, decoded.params, req.get('authorization')));
      return;
    }
    if (handler === undefined) {
      // Unreachable (unknown methods were answered above); keeps the type narrowing honest.
      sendJson(res, { ok: false, error: 'unknown_method', req_method: method });
      return;
    }
    if (decoded.token === undefined) {
      sendJson(res, { ok: false, error: 'not_authed' });
      return;
    }
    const auth = authenticateToken(store, decoded.token);
    if (!auth.ok) {
      sendJson(res, { ok: false, error: auth.error });
      return;
    }
    const needed = missingScope(method, auth.scopes);
    if (needed !== undefined) {
      sendJson(res, { ok: false, error: 'missing_scope', needed, provided: [...(auth.scopes ?? [])].join(',') });
      return;
    }

    const outcome = handler({
      store,
      workspace: auth.workspace,
      params: decoded.params,
      ...(auth.scopes === undefined ? {} : { scopes: auth.scopes }),
    });
    sendJson(res, outcome.ok ? { ok: true, ...outcome.body } : { ok: false, error: outcome.error });
  });
  return router;
}
