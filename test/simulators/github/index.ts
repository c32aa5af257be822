/**
 * GitHub simulator: a local HTTP server speaking GitHub's REST wire format for a GitHub App
 * (wire reference §3) — app JWT and installation-token auth (and its revocation), the App install page and uninstall, pull requests,
 * issues, contents, rate limits — with direct seeding, fault injection, and a webhook sender for tests.
 */
import { FaultQueue } from './faults';
import { InstallationLifecycle } from './installation-lifecycle';
import { RateLimiter } from './rate-limiter';
import { RequestCounter } from '../shared/request-counter';
import { Seeder } from './seed';
import { closeServer, createApp, listen } from './server';
import { Store } from './store';
import { TokenStore } from './token-store';
import type { Clock, GitHubSimulator } from './types';

export type {
  AccountSeed, AppSeed, Clock, FileSeed, GitHubSimulator, InstallationSeed, IssueSeed, NextInstallation, PermissionLevel, Permissions,
  PullSeed, RateLimitConfig, RepoSeed, SeededApp, SeededFile, SeededIssue, SeededRepo,
} from './types';
export type { ErrorFault, FaultInjector, FaultMatch, PrimaryRateLimitFault, SecondaryRateLimitFault } from './faults';
export { GHES_PREFIX } from './server';
export { MAX_INLINE_BYTES } from './render-contents';
export { githubSignature256, githubSignature1 } from './webhook-signature';
export { sendGitHubWebhook, type GitHubWebhookOptions, type GitHubWebhookResult } from './webhook-sender';

/** Options of {@link startGitHubSimulator}. */
export interface GitHubSimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Source of "now" for JWT checks, token expiry, rate-limit windows and the `date` header; default the wall clock. */
  now?: Clock;
}

/** Starts a simulator listening on `host:port`. */
export async function startGitHubSimulator(opts: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
  const clock: Clock = opts.now ?? (() => new Date());
  const store = new Store();
  const seeder = new Seeder(store, clock);
  const tokens = new TokenStore(clock);
  const rateLimiter = new RateLimiter(clock);
  const faults = new FaultQueue(rateLimiter);
  const counter = new RequestCounter();
  const lifecycle = new InstallationLifecycle(store, tokens, clock);
  let baseUrl = '';

  const app = createApp({ store, tokens, faults, counter, rateLimiter, clock, lifecycle, baseUrl: () => baseUrl });
  const { server, url } = await listen(app, opts.host ?? '127.0.0.1', opts.port ?? 0);
  baseUrl = url;
  let closing: Promise<void> | undefined;

  return {
    url,
    close: () => (closing ??= closeServer(server)),
    addApp: (seed) => seeder.addApp(seed),
    addInstallation: (seed) => seeder.addInstallation(seed),
    addRepo: (seed) => seeder.addRepo(seed),
    addIssue: (seed) => seeder.addIssue(seed),
    addPull: (seed) => seeder.addPull(seed),
    putFile: (seed) => seeder.putFile(seed),
    revokeToken: (token) => tokens.revoke(token),
    setTokenLifetimeSeconds: (seconds) => tokens.setLifetimeSeconds(seconds),
    setInstallationTokenLifetimeSeconds: (seconds) => tokens.setLifetimeSeconds(seconds),
    setNextInstallation: (c) => lifecycle.setNext(c),
    setInstallationPermissions: (installationId, permissions) => lifecycle.setPermissions(installationId, permissions),
    tokenMintCount: (installationId) => tokens.mintCount(installationId),
    setRateLimit: (config) => rateLimiter.configure(config),
    issuedTokens: () => tokens.issued(),
    requestCounts: () => counter.snapshot(),
    requestTimeline: () => counter.timeline(),
    resetRequestCounts: () => counter.reset(),
    faults,
  };
}
