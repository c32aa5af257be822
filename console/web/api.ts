/**
 * The console's only way to the server: same-origin fetch with the session cookie, the CSRF token
 * on every state-changing request, and a 401 sending the person back to the sign-in page.
 */
export type Role = 'admin' | 'approver' | 'viewer';

export interface Account {
  email: string;
  role: Role;
  tenant: string;
}

export interface Session {
  account: Account;
  csrfToken: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let current: Session | undefined;

export function session(): Session | undefined {
  return current;
}

export function setSession(next: Session | undefined): void {
  current = next;
}

/** Called on a 401 (the session ended or never was); main.ts routes to the sign-in page. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, opts: { redirectOn401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && current) headers['x-csrf-token'] = current.csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check the connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
    const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`;
    if (response.status === 401 && opts.redirectOn401 !== false) {
      current = undefined;
      onUnauthorized();
    }
    throw new ApiError(response.status, code, message);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
};

/** The signed-in session, or undefined when nobody is signed in. */
export async function loadSession(): Promise<Session | undefined> {
  try {
    current = await request<Session>('GET', '/console/api/session', undefined, { redirectOn401: false });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) current = undefined;
    else throw err;
  }
  return current;
}

export async function login(tenant: string, email: string, password: string): Promise<Session> {
  current = await request<Session>('POST', '/console/login', { tenant, email, password }, { redirectOn401: false });
  return current;
}

export async function logout(): Promise<void> {
  try {
    await request<unknown>('POST', '/console/logout', undefined, { redirectOn401: false });
  } finally {
    current = undefined;
  }
}
