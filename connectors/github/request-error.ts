/**
 * Turns whatever Octokit threw into a {@link GitHubApiError}. Octokit's RequestError is read
 * through a schema (never imported: it belongs to a transitive package) and never kept as the
 * cause, because it carries the request options; only the status, GitHub's message, the
 * request id and the rate-limit headers survive.
 */
import { z } from 'zod';
import { GitHubApiError, codeForStatus } from './errors';
import { isRateLimited, rateLimitWaitSeconds, type ResponseHeaders } from './rate-limit';

/** What the failing call was, for the message and for choosing the code. */
export interface FailedCall {
  /** e.g. `GET /repos/acme/widgets/pulls`. */
  what: string;
  /** `app` for JWT-authenticated calls, `installation` for installation-token calls. */
  auth: 'app' | 'installation';
  installationId: number;
  /** The installation permission the call needs, named in permission errors. */
  permission?: string;
  nowMs: number;
}

const httpErrorSchema = z.object({
  status: z.number().int(),
  response: z.object({ headers: z.record(z.string(), z.unknown()), data: z.unknown() }),
});
const errorBodySchema = z.object({ message: z.string() });

function stringHeaders(raw: Record<string, unknown>): ResponseHeaders {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string' || typeof value === 'number') headers[name.toLowerCase()] = String(value);
  }
  return headers;
}

function isNetworkFailure(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return true;
  // Octokit reports a failed fetch as a RequestError with status 500 and no response.
  return 'status' in err && err.status === 500 && !('response' in err && err.response !== undefined);
}

function describeHttpFailure(call: FailedCall, status: number, reason: string, headers: ResponseHeaders): string {
  const said = reason ? `: ${reason}` : '';
  if (status === 401 && call.auth === 'app') {
    return `GitHub refused the app JWT for ${call.what} (HTTP 401${said}); check the app id, the private key and the system clock`;
  }
  if (status === 401) return `GitHub refused the installation token for ${call.what} (HTTP 401${said})`;
  if (status === 403 && /not accessible by integration/i.test(reason)) {
    const accepted = headers['x-accepted-github-permissions'];
    const needs = call.permission ? `; the GitHub App needs the "${call.permission}: read" permission` : '';
    return `GitHub App installation ${call.installationId} may not ${call.what} (HTTP 403${said})${needs}`
      + `${accepted ? ` (GitHub accepts: ${accepted})` : ''}; grant it in the app's settings and have the installation accept it`;
  }
  return `GitHub ${call.what} answered HTTP ${status}${said}`;
}

/** Maps an Octokit failure (or a failure around it) to a typed error. */
export function toGitHubApiError(err: unknown, call: FailedCall): GitHubApiError {
  if (err instanceof GitHubApiError) return err;
  const http = httpErrorSchema.safeParse(err);
  if (http.success) {
    const { status } = http.data;
    const headers = stringHeaders(http.data.response.headers);
    const body = errorBodySchema.safeParse(http.data.response.data);
    const reason = body.success ? body.data.message.slice(0, 300) : '';
    const requestId = headers['x-github-request-id'];
    if (isRateLimited(status, headers, reason)) {
      const wait = rateLimitWaitSeconds(headers, call.nowMs);
      const kind = headers['x-ratelimit-remaining'] === '0' ? 'primary rate limit exhausted' : 'secondary rate limit';
      return new GitHubApiError('rate_limited', `GitHub ${call.what} was rate limited (HTTP ${status}, ${kind}); retry in ${wait} s`,
        { status, retryAfterSeconds: wait, requestId });
    }
    const code = status === 403 && /not accessible by integration/i.test(reason) ? 'permission_denied' : codeForStatus(status);
    return new GitHubApiError(code, describeHttpFailure(call, status, reason, headers), { status, requestId });
  }
  if (isNetworkFailure(err)) {
    return new GitHubApiError('network_error', `GitHub ${call.what} failed before an answer arrived: ${err.message.slice(0, 200)}`);
  }
  // Anything else comes from signing the app JWT (an unusable private key, for instance). Its
  // text may quote the key's framing, so only the error's class is reported.
  const kind = err instanceof Error ? err.name : typeof err;
  return new GitHubApiError('configuration_error', `GitHub ${call.what} could not be authenticated: the app credentials are unusable (${kind})`);
}
