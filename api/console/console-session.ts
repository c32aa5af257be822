/**
 * Console sessions on the wire: the HttpOnly, SameSite=Lax cookie carrying the session id,
 * and the CSRF token every state-changing request must repeat in `x-csrf-token`. The token is an
 * HMAC of the session id, so the server stores nothing for it, a page can fetch it again after a
 * reload (GET /console/api/session), and a site that cannot read the cookie cannot compute it.
 * Lax rather than Strict so that following the audit link from a Slack message (a top-level
 * navigation from another site) arrives signed in and lands on the run page; what Strict would
 * add — refusing cross-site requests — the CSRF token already does for every change, and a
 * cross-site GET can only navigate to a page, never read it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sessionById, type ConsoleRole, type ConsoleSession } from '../../db/console-accounts-repo';
import type { Queryable } from '../../db/queryable';
import { HttpError } from '../http-error';
import { cookieValue } from '../cookies';

export const SESSION_COOKIE = 'gatehouse_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A working day; signing in again after that is the price of a stolen laptop's cookie expiring. */
export const SESSION_TTL_SECONDS = 12 * 3600;

export const newSessionId = (): string => randomBytes(32).toString('base64url');

export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('gatehouse/console/csrf').digest('base64url');
}

export function setSessionCookie(res: Response, sessionId: string, publicBaseUrl: string): void {
  res.cookie(SESSION_COOKIE, sessionId, {
    httpOnly: true, sameSite: 'lax', path: '/', maxAge: SESSION_TTL_SECONDS * 1000,
    secure: new URL(publicBaseUrl).protocol === 'https:',
  });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The session id the browser sent, from the Cookie header. */
export function sessionIdOf(req: Request): string | undefined {
  return cookieValue(req, SESSION_COOKIE);
}

/** The signed-in session of a request that went through {@link requireConsoleSession}. */
export function consoleSessionOf(res: Response): ConsoleSession & { sessionId: string } {
  const session = res.locals['consoleSession'] as (ConsoleSession & { sessionId: string }) | undefined;
  if (!session) throw new HttpError(401, 'not_signed_in', 'sign in to the console first');
  return session;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Loads the session (401 when there is none or it expired) and, for every state-changing
 * method, checks the CSRF token (403). The tenant is the session's: console routes never take
 * a tenant from the request.
 */
export function requireConsoleSession(db: Queryable): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Each console router guards its own paths; the first guard a request passes has already
    // loaded the session and checked the CSRF token, so the others do not query again.
    if (res.locals['consoleSession']) {
      next();
      return;
    }
    void (async () => {
      const sessionId = sessionIdOf(req);
      const session = sessionId ? await sessionById(db, sessionId) : undefined;
      if (!sessionId || !session) throw new HttpError(401, 'not_signed_in', 'sign in to the console first');
      if (!safeMethods.has(req.method)) {
        const sent = req.get(CSRF_HEADER);
        if (!sent) throw new HttpError(403, 'csrf_token_missing', `state-changing requests must carry the ${CSRF_HEADER} header`);
        const expected = Buffer.from(csrfTokenFor(sessionId));
        const given = Buffer.from(sent);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(403, 'csrf_token_invalid', `the ${CSRF_HEADER} header does not belong to this session`);
      }
      res.locals['consoleSession'] = { ...session, sessionId };
    })().then(() => next(), next);
  };
}

/** 403 unless the signed-in account has one of `roles`. */
export function requireRole(res: Response, ...roles: ConsoleRole[]): ConsoleSession {
  const session = consoleSessionOf(res);
  if (!roles.includes(session.role)) throw new HttpError(403, 'forbidden', `this needs the ${roles.join(' or ')} role; ${session.email} is ${session.role}`);
  return session;
}
