/**
 * CORS and authentication of the codec endpoint. The Temporal UI calls it from the operator's
 * browser, so it needs CORS answers for the UI's origin (with credentials, which the UI's
 * "include credentials" setting uses); the decoded payloads are customer data, so every call
 * needs a bearer token, except the narrow local-UI case described in CodecEndpointSettings.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http-error';
import type { CodecEndpointSettings } from './codec-settings';

const digest = (value: string) => createHash('sha256').update(value).digest();
const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Sets the CORS answer when the request comes from an allowed UI origin; true if it did. */
function allowOrigin(req: Request, res: Response, origins: readonly string[]): boolean {
  res.vary('Origin');
  const origin = req.get('origin');
  if (!origin || !origins.includes(origin)) return false;
  res.set({
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'content-type,x-namespace,authorization',
    'Access-Control-Max-Age': '600',
  });
  return true;
}

/** Answers preflights; on other requests adds the CORS headers (if any) and checks the caller. */
export function codecAccess(settings: CodecEndpointSettings, adminToken: string): RequestHandler {
  const accepted = [adminToken, settings.token].filter((t): t is string => Boolean(t)).map(digest);
  return (req, res, next) => {
    const fromUi = allowOrigin(req, res, settings.corsOrigins);
    if (req.method === 'OPTIONS') {
      res.status(fromUi ? 204 : 403).end();
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (token !== undefined) {
      const presented = digest(token);
      // Compare against every accepted token so the timing does not tell which one matched.
      const ok = accepted.map((t) => timingSafeEqual(presented, t)).includes(true);
      if (ok) {
        next();
        return;
      }
    } else if (settings.localUiWithoutToken && fromUi && loopback.has(req.socket.remoteAddress ?? '')) {
      next();
      return;
    }
    next(new HttpError(401, 'unauthorized', 'a valid bearer token is required to use the codec endpoint'));
  };
}
