/** Bearer-token guard for the admin API (constant-time comparison; the token never reaches a log). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireAdminToken(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      next(new HttpError(401, 'unauthorized', 'a valid admin bearer token is required'));
      return;
    }
    next();
  };
}
