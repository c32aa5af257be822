/**
 * A route token that is not even valid percent-encoding (`/webhooks/servicenow/%ff`) makes
 * express fail to decode the path parameter before any handler runs; left alone, that URIError
 * reaches the app's error handler as a 500. Such a token could never have been issued, so it is
 * answered exactly like any other route that leads nowhere: a bad signature, audited as class
 * `routing` (reason `unknown_route`).
 */
import type { ErrorRequestHandler } from 'express';
import { auditRefusal, routingRefused, type RejectionAuditDeps } from './rejections';

/**
 * Error middleware for a router whose paths start with `pathPrefix` (e.g. `/webhooks/servicenow/`),
 * mounted without a path (a path with the parameter would fail to decode again).
 */
export function refuseMalformedRouteToken(deps: RejectionAuditDeps, connector: string, pathPrefix: string): ErrorRequestHandler {
  return (err: unknown, req, _res, next) => {
    if (!(err instanceof URIError) || !req.path.startsWith(pathPrefix)) {
      next(err);
      return;
    }
    const refusal = routingRefused('unknown_route');
    void auditRefusal(deps, req, { connector, tenantId: null, webhookId: null }, refusal).finally(() => next(refusal));
  };
}
