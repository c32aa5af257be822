/**
 * Signing in to the console: POST /console/login with the tenant, e-mail and password sets the
 * session cookie and answers the CSRF token; GET /console/api/session tells a reloaded page who
 * is signed in; POST /console/logout ends the session. Failures never say whether the account
 * exists.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { accountForLogin, createSession, deleteSession } from '../../db/console-accounts-repo';
import { appendAudit } from '../../db/audit-repo';
import { UNKNOWN_ACCOUNT_HASH, verifyPassword } from '../../console/password';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { clearSessionCookie, consoleSessionOf, csrfTokenFor, newSessionId, requireConsoleSession, setSessionCookie, SESSION_TTL_SECONDS } from './console-session';
import { LoginAttempts } from './login-attempts';

const loginSchema = z.object({
  tenant: z.string().min(1).max(100),
  email: z.string().email().max(320),
  password: z.string().min(1).max(1000),
});

export function consoleAuthRouter(deps: ApiDeps): Router {
  const router = Router();
  const attempts = new LoginAttempts();

  router.post('/console/login', express.json({ limit: '8kb' }), async (req, res) => {
    const body = parseOr422(loginSchema, req.body ?? {}, 'invalid sign-in');
    const key = `${body.tenant}/${body.email.toLowerCase()}`;
    const wait = attempts.retryAfterSeconds(key);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins for this address; try again in ${wait} s`);
    }
    const account = await accountForLogin(deps.pool, body.tenant, body.email);
    // An unknown address costs a hash like a wrong password: timing does not tell them apart.
    const ok = await verifyPassword(body.password, account?.passwordHash ?? UNKNOWN_ACCOUNT_HASH);
    if (!account || !ok) {
      attempts.failed(key);
      throw new HttpError(401, 'invalid_credentials', 'unknown tenant, e-mail or password');
    }
    attempts.succeeded(key);
    const sessionId = newSessionId();
    await createSession(deps.pool, { id: sessionId, accountId: account.id, ttlSeconds: SESSION_TTL_SECONDS });
    await appendAudit(deps.pool, { tenantId: account.tenantId, type: 'console.signed_in', outcome: 'ok', actor: account.email, detail: { role: account.role } });
    setSessionCookie(res, sessionId, deps.publicBaseUrl);
    res.json({ account: { email: account.email, role: account.role, tenant: account.tenantSlug }, csrfToken: csrfTokenFor(sessionId) });
  });

  router.get('/console/api/session', requireConsoleSession(deps.pool), (_req, res) => {
    const session = consoleSessionOf(res);
    res.json({ account: { email: session.email, role: session.role, tenant: session.tenantSlug }, csrfToken: csrfTokenFor(session.sessionId) });
  });

  router.post('/console/logout', requireConsoleSession(deps.pool), async (_req, res) => {
    await deleteSession(deps.pool, consoleSessionOf(res).sessionId);
    clearSessionCookie(res);
    res.status(204).end();
  });

  return router;
}
