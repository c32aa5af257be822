import type { Response } from 'express';
import { errorBody, type ErrorSpec } from './errors';

/** Sends a JSON body with GitHub's content type. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Sends GitHub's error shape. */
export function sendError(res: Response, spec: ErrorSpec): void {
  sendJson(res, spec.status, errorBody(spec));
}
