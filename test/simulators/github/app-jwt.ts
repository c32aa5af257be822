import { verify as verifySignature } from 'node:crypto';
import { JWT_BAD_IAT, JWT_EXP_TOO_FAR, JWT_EXPIRED, JWT_UNDECODABLE, type ErrorSpec } from './errors';
import type { AppRecord, Store } from './store';

/** GitHub refuses app JWTs valid for longer than this (wire reference §3 "App JWT"). */
const MAX_LIFETIME_SECONDS = 600;
/** How far in the future `iat` may lie before it counts as clock skew (assumed; GitHub does not publish it). */
const IAT_LEEWAY_SECONDS = 60;

/** Three base64url parts: how a bearer credential is told apart from an installation token. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Verifies an app JWT: RS256 only (never `none` or HMAC), signed by the key of the app named in
 * `iss` (the app id, as number or string), `iat` not in the future, `exp` in the future and at
 * most 10 minutes after both now and `iat`.
 */
export function verifyAppJwt(jwt: string, store: Store, nowSeconds: number): { app: AppRecord } | { error: ErrorSpec } {
  const [headerPart = '', payloadPart = '', signaturePart = ''] = jwt.split('.');
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (!isRecord(header) || header['alg'] !== 'RS256' || !isRecord(payload)) return { error: JWT_UNDECODABLE };

  const iss = payload['iss'];
  const appId = typeof iss === 'number' ? iss : typeof iss === 'string' && /^\d+$/.test(iss) ? Number(iss) : NaN;
  const app = store.apps.get(appId);
  if (!app) return { error: JWT_UNDECODABLE };
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'utf8');
  if (!verifySignature('RSA-SHA256', signed, app.publicKey, Buffer.from(signaturePart, 'base64url'))) {
    return { error: JWT_UNDECODABLE };
  }

  const { iat, exp } = payload;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowSeconds + IAT_LEEWAY_SECONDS) return { error: JWT_BAD_IAT };
  if (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= nowSeconds) return { error: JWT_EXPIRED };
  if (exp - nowSeconds > MAX_LIFETIME_SECONDS || exp - iat > MAX_LIFETIME_SECONDS) return { error: JWT_EXP_TOO_FAR };
  return { app };
}
