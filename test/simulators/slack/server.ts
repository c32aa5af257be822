import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultQueue } from './faults';
import { buildClickRequest, sendClick, submitView } from './interactivity-client';
import { oauthAuthorizeRouter } from './oauth-authorize-route';
import { responseUrlRouter } from './response-url-routes';
import { SlackStore } from './store';
import type { SlackSimulator } from './types';
import { webApiRouter } from './web-api-routes';

/** Where and how to listen. Port 0 (the default) picks a free port. */
export interface SlackSimulatorOptions {
  port?: number;
  host?: string;
}

/**
 * Starts a Slack simulator on `host:port` (default 127.0.0.1, a free port): the Web API under
 * `/api/{method}`, response_urls under `/actions/…` and the OAuth consent page at `/oauth/v2/authorize`.
 */
export async function startSlackSimulator(opts: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const store = new SlackStore();
  const faults = new FaultQueue();

  const app = express();
  app.disable('x-powered-by');
  app.use('/api', webApiRouter(store, faults));
  app.use('/actions', responseUrlRouter(store));
  // Origin root, as on slack.com: clients derive it as new URL('/oauth/v2/authorize', apiUrl).
  app.use(oauthAuthorizeRouter(store));
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain; charset=utf-8').send('not found');
  });
  // Body-parser failures (e.g. oversized bodies) still answer in Slack's JSON error shape.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    res.status(status).type('application/json; charset=utf-8').send(JSON.stringify({ ok: false, error: 'request_failed' }));
  });

  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err === undefined ? resolve(s) : reject(err)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    apiUrl: `${url}/api/`,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        // fetch keeps connections alive; drop them so close() resolves promptly.
        server.closeAllConnections();
      }),
    addWorkspace: (w) => void store.addWorkspace(w),
    addUser: (u) => store.addUser(u),
    addChannel: (c) => store.addChannel(c),
    addUserGroup: (g) => store.addUserGroup(g),
    revokeToken: (token) => store.revokeToken(token),
    messages: (channel) => store.messages(channel),
    ephemerals: (user) => store.ephemerals(user),
    callCounts: () => store.callCounts(),
    callTimeline: () => store.callTimeline(),
    rateLimit: (method, count, retryAfterSeconds) => faults.add(method, count, { kind: 'ratelimited', retryAfterSeconds }),
    failNext: (method, count, error) => faults.add(method, count, { kind: 'error', error }),
    click: (clickOpts) => sendClick(store, url, clickOpts),
    clickRequest: (clickOpts) => buildClickRequest(store, url, clickOpts),
    views: (userId) => store.modals.list(userId),
    submitView: (submitOpts) => submitView(store, submitOpts),
    addOAuthApp: (oauthApp) => store.oauth.addApp(oauthApp),
    setOAuthConsent: (consent) => store.oauth.setConsent(consent),
    setRefreshTokenRotation: (mode) => store.oauth.tokens.setRotationMode(mode),
    oauthAccessCounts: () => store.oauth.accessCountsSnapshot(),
    revokeInstallTokens: (clientId) => store.oauth.tokens.revokeClient(clientId),
    expireAccessTokens: () => store.oauth.tokens.expireAll(),
  };
}
