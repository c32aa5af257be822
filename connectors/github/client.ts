/**
 * A GitHub App client for one installation, built on `@octokit/app`: the App signs JWTs and
 * mints installation tokens; requests run on a plain Octokit holding the installation token.
 *
 * One retry layer: Octokit core has no retry or throttling plugin (none is loaded), and
 * installation requests deliberately do not go through `App#getInstallationOctokit`, whose
 * auth hook re-sends a request that gets a 401 within 5 s of minting its token (for up to ~6 s).
 * Here every failure surfaces at once as a {@link GitHubApiError}; Temporal's activity retry
 * decides. The one Octokit-internal retry left is on JWT calls: after a 401 whose message says
 * the JWT's `iat`/`exp` are off, `@octokit/auth-app` signs again once, corrected by the
 * response's `date` header — a clock-skew fix rather than a retry policy.
 */
import type { Octokit } from '@octokit/core';
import { z } from 'zod';
import { ungated, type CallGate } from '../framework/call-gate';
import { GitHubApiError } from './errors';
import { forgetToken, installationKey, liveTokens, rememberToken } from './live-tokens';
import { loadOctokit } from './octokit-modules';
import { toGitHubApiError, type FailedCall } from './request-error';

/** Receives Octokit's own warnings (clock-skew corrections, deprecations); messages carry no credentials. */
export interface GitHubClientLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link GitHubClient}. */
export interface GitHubClientOptions {
  /** The GitHub App's id (the JWT `iss`). */
  appId: number | string;
  /** The app's private key, PEM (PKCS#1 as GitHub issues it, or PKCS#8). */
  privateKey: string;
  /** The installation this client acts for. */
  installationId: number;
  /** REST base URL: default `https://api.github.com`; `https://HOST/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  /** Prefix of the `User-Agent` GitHub requires; default `gatehouse-github-connector`. */
  userAgent?: string;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Source of "now" (ms) for token expiry and rate-limit waits; default `Date.now`. */
  now?: () => number;
  /** Default: Octokit's warnings are dropped (every failure still surfaces as a typed error). */
  log?: GitHubClientLogger;
  /**
   * Runs each request under the tenant's shared rate limit; default: directly. A request that
   * first mints an installation token takes one slot for both calls, so a gate with one
   * concurrent slot cannot deadlock on its own mint.
   */
  gate?: CallGate;
  /** The transport: the tenant's guarded fetch (connect-time address checks); default the global one. */
  fetch?: typeof fetch;
  /**
   * Told the installation's permissions each time a token is minted (GitHub answers them with
   * the token): how a change an organisation owner made after install is noticed.
   */
  onGrantedPermissions?: (permissions: Record<string, string>) => void;
}

/** Query and path parameters of a request, Octokit-style (`{owner}` in the route is filled from `owner`). */
export type GitHubRequestParams = Record<string, string | number | boolean | undefined>;

/** A successful answer: status, lower-cased headers, and the parsed body for a provider schema to check. */
export interface GitHubResponse {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  data: unknown;
}

/** Per-call facts for clearer errors. */
export interface GitHubCallOptions {
  /** The installation permission the call needs, e.g. `contents`; named if GitHub refuses it. */
  permission?: string;
}

/** The default REST base URL. */
export const GITHUB_API_URL = 'https://api.github.com';

/** Mint a new token when the cached one has less than this left (GitHub issues them for 1 h). */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/** Every call pins the REST API version the provider schemas were written against. */
const API_VERSION_HEADERS = { 'x-github-api-version': '2022-11-28' };

const installationAuthSchema = z.object({ token: z.string().min(1), expiresAt: z.string(), permissions: z.record(z.string(), z.string()).optional() });

interface Ready {
  app: InstanceType<Awaited<ReturnType<typeof loadOctokit>>['App']>;
  Octokit: typeof Octokit;
}

interface CachedToken {
  octokit: Octokit;
  token: string;
  expiresAtMs: number;
}

/** What {@link GitHubClient.revokeMintedTokens} did. */
export interface TokenRevocation {
  /** Tokens GitHub revoked (204). */
  revoked: number;
  /** Tokens GitHub no longer accepted anyway (401): revoked or expired before. */
  alreadyInvalid: number;
}

function stringHeaders(raw: Record<string, string | number | undefined>): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) headers[name.toLowerCase()] = value === undefined ? undefined : String(value);
  return headers;
}

/** `GET /repos/{owner}/{repo}` + `{owner: 'a', repo: 'b'}` → `GET /repos/a/b`, for messages. */
function describe(route: string, params: GitHubRequestParams): string {
  return route.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** A GitHub App client bound to one installation. Credentials live only in private fields. */
export class GitHubClient {
  /** The REST base URL in use. */
  readonly baseUrl: string;
  /** The installation this client acts for. */
  readonly installationId: number;
  readonly #options: GitHubClientOptions;
  readonly #now: () => number;
  readonly #gate: CallGate;
  #ready: Promise<Ready> | undefined;
  #token: CachedToken | undefined;
  #minting: Promise<Octokit> | undefined;

  constructor(options: GitHubClientOptions) {
    if (!Number.isInteger(options.installationId) || options.installationId < 1) {
      throw new GitHubApiError('configuration_error', 'GitHub installationId must be a positive integer');
    }
    this.baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
    this.installationId = options.installationId;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#gate = options.gate ?? ungated;
  }

  /** A request authenticated as the app (JWT): `/app`, `/app/installations/…`, `/repos/{o}/{r}/installation`. */
  requestAsApp(route: string, params: GitHubRequestParams = {}): Promise<GitHubResponse> {
    return this.#gate(() => this.#requestAsApp(route, params));
  }

  async #requestAsApp(route: string, params: GitHubRequestParams): Promise<GitHubResponse> {
    const call = this.#call('app', route, params);
    try {
      const { app } = await this.#load();
      const response = await app.octokit.request(route, { ...params, headers: API_VERSION_HEADERS });
      return { status: response.status, headers: stringHeaders(response.headers), data: response.data };
    } catch (err) {
      throw toGitHubApiError(err, call);
    }
  }

  /** A request authenticated as the installation (token), e.g. `GET /repos/{owner}/{repo}/pulls`. */
  request(route: string, params: GitHubRequestParams = {}, options: GitHubCallOptions = {}): Promise<GitHubResponse> {
    return this.#gate(() => this.#request(route, params, options));
  }

  async #request(route: string, params: GitHubRequestParams, options: GitHubCallOptions): Promise<GitHubResponse> {
    const octokit = await this.installationOctokit();
    const held = this.#token;
    const call = this.#call('installation', route, params, options.permission);
    try {
      const response = await octokit.request(route, { ...params, headers: API_VERSION_HEADERS });
      return { status: response.status, headers: stringHeaders(response.headers), data: response.data };
    } catch (err) {
      const error = toGitHubApiError(err, call);
      // A refused token (revoked, or expired early) must not be offered again: the next attempt mints a new one.
      if (error.status === 401 && held?.octokit === octokit) {
        this.#token = undefined;
        forgetToken(this.#installationKey, held.token);
      }
      throw error;
    }
  }

  /**
   * An Octokit authenticated with the installation token (`Authorization: token ghs_…`), minted on
   * first use and reused until 5 minutes before it expires. Concurrent callers share one mint.
   */
  async installationOctokit(): Promise<Octokit> {
    const cached = this.#token;
    if (cached && cached.expiresAtMs - this.#now() > TOKEN_REFRESH_MARGIN_MS) return cached.octokit;
    this.#minting ??= this.#mint().finally(() => {
      this.#minting = undefined;
    });
    return this.#minting;
  }

  async #mint(): Promise<Octokit> {
    const call = this.#call('app', 'POST /app/installations/{installation_id}/access_tokens', { installation_id: this.installationId });
    let auth: unknown;
    let ready: Ready;
    try {
      ready = await this.#load();
      // `refresh: true` skips auth-app's own token cache (it ignores expires_at); this class is the one cache.
      auth = await ready.app.octokit.auth({ type: 'installation', installationId: this.installationId, refresh: true });
    } catch (err) {
      throw toGitHubApiError(err, call);
    }
    const parsed = installationAuthSchema.safeParse(auth);
    const expiresAtMs = parsed.success ? Date.parse(parsed.data.expiresAt) : NaN;
    if (!parsed.success || Number.isNaN(expiresAtMs)) {
      throw new GitHubApiError('invalid_response', `GitHub ${call.what} answered without a usable token or expires_at`);
    }
    const octokit = new ready.Octokit({ auth: parsed.data.token });
    this.#token = { octokit, token: parsed.data.token, expiresAtMs };
    rememberToken(this.#installationKey, parsed.data.token, expiresAtMs, this.#now());
    if (parsed.data.permissions) this.#options.onGrantedPermissions?.(parsed.data.permissions);
    return octokit;
  }

  /**
   * Revokes every installation token this process minted for the installation and that has not
   * expired (`DELETE /installation/token`, presenting each one): what a disconnect does. Tokens
   * minted by other processes are not known here; they expire within their hour. The next
   * request of any client of the installation mints a new token (while the key still works).
   */
  async revokeMintedTokens(): Promise<TokenRevocation> {
    this.#token = undefined;
    const { Octokit: TokenOctokit } = await this.#load();
    const outcome: TokenRevocation = { revoked: 0, alreadyInvalid: 0 };
    for (const token of liveTokens(this.#installationKey, this.#now())) {
      const call = this.#call('installation', 'DELETE /installation/token', {});
      try {
        await this.#gate(() => new TokenOctokit({ auth: token }).request('DELETE /installation/token', { headers: API_VERSION_HEADERS }));
        outcome.revoked += 1;
      } catch (err) {
        const error = toGitHubApiError(err, call);
        // 401: GitHub no longer accepts it, which is what revoking wants.
        if (error.status !== 401) throw error;
        outcome.alreadyInvalid += 1;
      }
      forgetToken(this.#installationKey, token);
    }
    return outcome;
  }

  get #installationKey(): string {
    return installationKey(this.baseUrl, this.installationId);
  }

  #load(): Promise<Ready> {
    this.#ready ??= loadOctokit().then(({ App, Octokit: CoreOctokit }) => {
      const timeoutMs = this.#options.timeoutMs ?? 15_000;
      const baseFetch = this.#options.fetch ?? fetch;
      const timedFetch: typeof fetch = (input, init) => baseFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
      const log = this.#options.log;
      const BaseOctokit = CoreOctokit.defaults({
        baseUrl: this.baseUrl,
        userAgent: this.#options.userAgent ?? 'gatehouse-github-connector',
        request: { fetch: timedFetch },
        // Only the message is passed on: Octokit's extra info can include request options.
        log: {
          debug: () => undefined,
          info: () => undefined,
          warn: (message: string) => log?.warn(message),
          error: (message: string) => log?.error(message),
        },
      });
      const app = new App({ appId: this.#options.appId, privateKey: this.#options.privateKey, Octokit: BaseOctokit });
      return { app, Octokit: BaseOctokit };
    });
    return this.#ready;
  }

  #call(auth: FailedCall['auth'], route: string, params: GitHubRequestParams, permission?: string): FailedCall {
    return { what: describe(route, params), auth, installationId: this.installationId, permission, nowMs: this.#now() };
  }
}
