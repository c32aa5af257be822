import type { Response } from 'express';
import { errorBody, type ErrorSpec } from './errors';
import { contextOf } from './request-context';

/**
 * Every answer goes through here so a dropResponseAfterCommit fault can turn it into a
 * destroyed connection after the handler has already applied its changes.
 */
function finish(res: Response, status: number, body: string | undefined, contentType = 'application/json;charset=UTF-8'): void {
  if (contextOf(res.req).dropResponse) {
    res.req.socket.destroy();
    return;
  }
  res.statusCode = status;
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Sends a JSON body. */
export function sendJson(res: Response, status: number, body: unknown): void {
  finish(res, status, JSON.stringify(body));
}

/** Sends a status with no body (DELETE, `X-no-response-body: true`). */
export function sendEmpty(res: Response, status: number): void {
  finish(res, status, undefined);
}

/** Sends the Table API error shape. */
export function sendError(res: Response, spec: ErrorSpec): void {
  finish(res, spec.status, JSON.stringify(errorBody(spec)));
}

/** Sends an HTML page (the browser-facing OAuth authorize step). */
export function sendHtml(res: Response, status: number, html: string): void {
  finish(res, status, html, 'text/html;charset=UTF-8');
}

/** Sends a 302 to `location` with no body (the authorize step's answer to the client). */
export function sendRedirect(res: Response, location: string): void {
  res.setHeader('Location', location);
  finish(res, 302, undefined);
}
