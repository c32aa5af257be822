/**
 * The cookie that binds an authorisation to the browser that began it. HttpOnly (no script reads
 * it), SameSite=Lax (sent on the provider's top-level redirect back, not on cross-site
 * sub-requests), limited to /oauth/ and to the flow's lifetime; Secure whenever the public URL is https.
 */
import type { Request, Response } from 'express';
import { cookieValue } from '../cookies';

export const BINDING_COOKIE = 'gatehouse_oauth_binding';

export function setBindingCookie(res: Response, binding: string, publicBaseUrl: string, maxAgeSeconds: number): void {
  res.cookie(BINDING_COOKIE, binding, {
    httpOnly: true, sameSite: 'lax', path: '/oauth/', maxAge: maxAgeSeconds * 1000,
    secure: new URL(publicBaseUrl).protocol === 'https:',
  });
}

export function clearBindingCookie(res: Response): void {
  res.clearCookie(BINDING_COOKIE, { path: '/oauth/' });
}

/** The binding this browser holds, read from the Cookie header (no cookie parser needed for one value). */
export function bindingOf(req: Request): string | undefined {
  return cookieValue(req, BINDING_COOKIE);
}
