/**
 * The admin HTTP API as the CLI sees it: where it is, the bearer token, and one call that either
 * returns the JSON answer or throws the API's own error code and message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the API is and how to authenticate. */
export interface AdminApi {
  url: string;
  token: string;
}

/** One call to the admin API. */
export interface AdminRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Starting with `/admin/`; path segments already encoded. */
  path: string;
  body?: unknown;
}

/** The API refused (its `error.code` and `error.message`), or could not be reached (`unreachable`). */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';

  constructor(readonly code: string, message: string, readonly status?: number, readonly details?: unknown) {
    super(message);
  }
}

/** The configuration problem that keeps the CLI from calling the API at all. */
export class AdminConfigError extends Error {
  override readonly name = 'AdminConfigError';
}

/**
 * `GATEHOUSE_URL` (default the local `npm start`), and `GATEHOUSE_ADMIN_TOKEN` or the token
 * `npm start` generated into `<dataDir>/admin-token`.
 */
export function adminApiFromEnv(env: NodeJS.ProcessEnv, dataDir: string): AdminApi {
  const url = (env.GATEHOUSE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const tokenFile = join(dataDir, 'admin-token');
  const token = env.GATEHOUSE_ADMIN_TOKEN || (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '');
  if (!token) throw new AdminConfigError(`no admin token: set GATEHOUSE_ADMIN_TOKEN, or run npm start once to create ${tokenFile}`);
  return { url, token };
}

/** Sends `request`; the parsed JSON answer, or undefined when there is none (204). */
export async function callAdminApi(api: AdminApi, request: AdminRequest): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${api.url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${api.token}`, accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new AdminApiError('unreachable', `could not reach ${api.url} (${cause})`);
  }
  const text = await response.text();
  const answer = parseJson(text);
  if (!response.ok) {
    const error = errorOf(answer);
    throw new AdminApiError(error.code ?? `http_${response.status}`, error.message ?? (text || response.statusText), response.status, error.details);
  }
  return text ? answer ?? text : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The API's `{ error: { code, message, details } }`, as far as the answer has it. */
function errorOf(answer: unknown): { code?: string; message?: string; details?: unknown } {
  const error = typeof answer === 'object' && answer !== null && 'error' in answer ? answer.error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  return {
    ...('code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
    ...('message' in error && typeof error.message === 'string' ? { message: error.message } : {}),
    ...('details' in error ? { details: error.details } : {}),
  };
}
