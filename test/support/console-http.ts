/**
 * The console's API as a browser calls it, for tests over HTTP: sign in (the session cookie and
 * the CSRF token the page would hold), then requests with that cookie and, unless a test leaves it
 * out on purpose, the CSRF header.
 */
import assert from 'node:assert/strict';

export interface ConsoleSignIn { cookie: string; csrf: string }
export interface ConsoleAnswer<Body = Record<string, unknown>> { status: number; body: Body }

/**
 * Calls against the API at `apiUrl()` (read when called: the stack starts after the test file
 * loads); `keep` receives every answer's text (e.g. for a secret scan).
 */
export function consoleHttp(apiUrl: () => string, keep?: (text: string) => void) {
  async function call<Body = Record<string, unknown>>(method: string, path: string, opts: { body?: unknown; as?: { cookie: string; csrf?: string }; csrf?: boolean } = {}): Promise<ConsoleAnswer<Body>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.as) headers['cookie'] = opts.as.cookie;
    if (opts.as?.csrf && opts.csrf !== false) headers['x-csrf-token'] = opts.as.csrf;
    const res = await fetch(`${apiUrl()}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const text = await res.text();
    keep?.(text);
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
  }

  async function signIn(tenant: string, email: string, password: string): Promise<ConsoleSignIn> {
    const res = await fetch(`${apiUrl()}/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant, email, password }) });
    const body = await res.json() as Record<string, unknown>;
    assert.equal(res.status, 200, JSON.stringify(body));
    return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: String(body['csrfToken']) };
  }

  return { call, signIn };
}
