import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { appRoutes } from './app-routes';
import { contentsRoutes } from './contents-routes';
import { PROBLEMS_PARSING_JSON, USER_AGENT_REQUIRED, notFound, type ErrorSpec } from './errors';
import type { FaultQueue } from './faults';
import { identify } from './identity';
import { installRoutes } from './install-routes';
import type { InstallationLifecycle } from './installation-lifecycle';
import type { RateLimiter } from './rate-limiter';
import { rateLimitRoutes } from './rate-limit-routes';
import { repoRoutes } from './repo-routes';
import { tokenRoutes } from './token-routes';
import { contextOf } from './request-context';
import type { RequestCounter } from '../shared/request-counter';
import { sendError } from './respond';
import type { Store } from './store';
import type { TokenStore } from './token-store';
import type { Clock } from './types';

/** GitHub Enterprise Server serves the REST API under this prefix; the simulator accepts both. */
export const GHES_PREFIX = '/api/v3';

/** Everything the HTTP layer serves from. */
export interface SimulatorParts {
  store: Store;
  tokens: TokenStore;
  faults: FaultQueue;
  counter: RequestCounter;
  rateLimiter: RateLimiter;
  clock: Clock;
  baseUrl: () => string;
  lifecycle: InstallationLifecycle;
}

/** Strips the GHES prefix so routes are written once, and remembers it for URLs in answers. */
function ghesPrefix(baseUrl: () => string): RequestHandler {
  return (req, _res, next) => {
    const prefixed = req.url === GHES_PREFIX || req.url.startsWith(`${GHES_PREFIX}/`) || req.url.startsWith(`${GHES_PREFIX}?`);
    if (prefixed) req.url = req.url.slice(GHES_PREFIX.length) || '/';
    contextOf(req).apiBase = prefixed ? `${baseUrl()}${GHES_PREFIX}` : baseUrl();
    next();
  };
}

/** Headers every GitHub answer carries; `date` comes from the simulator clock, which Octokit reads to correct JWT clock skew. */
function commonHeaders(clock: Clock): RequestHandler {
  return (req, res, next) => {
    const requestId = `${randomBytes(2).toString('hex')}:${randomBytes(3).toString('hex')}:${randomBytes(4).toString('hex')}`.toUpperCase();
    contextOf(req).requestId = requestId;
    res.setHeader('date', clock().toUTCString());
    res.setHeader('x-github-request-id', requestId);
    res.setHeader('x-github-api-version-selected', req.get('x-github-api-version') ?? '2022-11-28');
    res.setHeader('x-github-media-type', 'github.v3; format=json');
    next();
  };
}

/** GitHub refuses requests without a User-Agent. */
const requireUserAgent: RequestHandler = (req, res, next) => {
  if (req.get('user-agent')) next();
  else sendError(res, USER_AGENT_REQUIRED);
};

/** Invalid credentials get 401 on every endpoint, after the rate limit counted them. */
const rejectInvalidCredentials: RequestHandler = (req, res, next) => {
  const identity = contextOf(req).identity;
  if (identity.kind === 'invalid') sendError(res, identity.error);
  else next();
};

function errorForException(err: unknown): ErrorSpec {
  const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
  if (type === 'entity.parse.failed') return PROBLEMS_PARSING_JSON;
  return { status: 500, message: 'Server Error', documentationUrl: 'https://docs.github.com/rest' };
}

/**
 * The express app. Order matters: strip the GHES prefix, count, stamp common headers, resolve
 * the caller, count against its rate limit, refuse bad credentials, then let faults claim the
 * request (so their answers carry real rate-limit headers), then the routes.
 */
export function createApp(parts: SimulatorParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(ghesPrefix(parts.baseUrl));
  app.use(parts.counter.middleware());
  app.use(commonHeaders(parts.clock));
  // The install page is a browser page, not the API: no API credentials, rate limits or faults.
  app.use(installRoutes(parts.store, parts.lifecycle));
  app.use(requireUserAgent);
  app.use(identify(parts.store, parts.tokens, parts.clock));
  app.use(parts.rateLimiter.middleware());
  app.use(rejectInvalidCredentials);
  app.use(parts.faults.middleware());
  app.use(rateLimitRoutes(parts.rateLimiter));
  app.use(appRoutes(parts.store, parts.tokens, parts.lifecycle));
  app.use(contentsRoutes(parts.store));
  app.use(repoRoutes(parts.store));
  app.use(tokenRoutes(parts.tokens));
  app.use((_req, res) => sendError(res, notFound()));
  // Four parameters: that is how express recognises an error handler.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, errorForException(err)));
  return app;
}

/** Listens and resolves with the server and its base URL (`http://host:port`). */
export function listen(app: Express, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address: string | AddressInfo | null = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('simulator is not listening on a TCP port'));
        return;
      }
      const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({ server, url: `http://${hostPart}:${address.port}` });
    });
  });
}

/** Closes the server, cutting keep-alive connections so tests do not hang on close. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
