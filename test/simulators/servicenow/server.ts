import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { authenticate } from './auth';
import type { Directory } from './directory';
import { BODY_TOO_LARGE, INVALID_JSON, NO_SUCH_RESOURCE, NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE, type ErrorSpec } from './errors';
import type { FaultQueue } from './faults';
import type { IncidentService } from './incident-service';
import { oauthRoutes, type OAuthParts } from './oauth-routes';
import type { RateLimitRule } from './rate-limit-rule';
import type { RequestCounter } from '../shared/request-counter';
import { sendError } from './respond';
import type { Store } from './store';
import { tableRoutes } from './table-routes';
import type { TokenStore } from './token-store';

/** The Table API is served under all three of its base paths. */
export const TABLE_API_BASES = ['/api/now/table', '/api/now/v1/table', '/api/now/v2/table'] as const;

/** Everything the HTTP layer serves from. */
export interface SimulatorParts {
  store: Store;
  directory: Directory;
  incidents: IncidentService;
  tokens: TokenStore;
  faults: FaultQueue;
  counter: RequestCounter;
  rateLimitRule: RateLimitRule;
  /** OAuth clients, codes and switches; shares `directory` and `tokens` with the Table API. */
  oauth: OAuthParts;
  baseUrl: () => string;
}

/** Maps body-parser failures (they carry a string `type`) to Table API errors. */
function errorForException(err: unknown): ErrorSpec {
  const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
  if (type === 'entity.parse.failed') return INVALID_JSON;
  if (type === 'entity.too.large') return BODY_TOO_LARGE;
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return UNSUPPORTED_MEDIA_TYPE;
  return { status: 500, message: 'Internal Server Error', detail: err instanceof Error ? err.message : 'unexpected failure' };
}

/**
 * The express app. Order matters: count every request first, let faults claim it next (before
 * auth, so a fault hits "the next N requests" regardless of credentials), then OAuth, then the
 * authenticated, rate-limited Table API.
 */
export function createApp(parts: SimulatorParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(parts.counter.middleware());
  app.use(parts.faults.middleware());
  app.use(oauthRoutes(parts.oauth));
  app.use('/api', (req, res, next) => {
    if (req.accepts('application/json') === false) sendError(res, NOT_ACCEPTABLE);
    else next();
  });
  app.use('/api', authenticate(parts.directory, parts.tokens));
  app.use('/api', parts.rateLimitRule.middleware());
  app.use('/api', express.json({ limit: '1mb' }));
  app.use([...TABLE_API_BASES], tableRoutes({ store: parts.store, incidents: parts.incidents, baseUrl: parts.baseUrl }));
  app.use((_req, res) => sendError(res, NO_SUCH_RESOURCE));
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
