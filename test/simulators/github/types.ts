/**
 * Public shapes of the GitHub simulator: what tests seed and what its state helpers return.
 * Wire shapes (what a REST client sees) are built in the render-*.ts files.
 */
import type { FaultInjector } from './faults';

/** Source of "now"; injectable so tests can move time (token expiry, JWT claims, rate-limit windows). */
export type Clock = () => Date;

/** A GitHub App permission level. */
export type PermissionLevel = 'read' | 'write';

/** Permissions of an installation or a token, e.g. `{ contents: 'read', issues: 'read' }`. */
export type Permissions = Record<string, PermissionLevel>;

/** Options of `addApp`. */
export interface AppSeed {
  appId: number;
  /** PEM (PKCS#1 or PKCS#8) of the app's private key; generated when omitted. */
  privateKeyPem?: string;
  /** Default `gatehouse-test-app-<appId>`. */
  slug?: string;
  /** Default the slug. */
  name?: string;
  /** Owner login shown by `GET /app`; default `gatehouse`. */
  owner?: string;
  /**
   * The App's "Setup URL" (with "Redirect on update"): where the install page sends the browser
   * afterwards. Without one the install page just says the App is installed.
   */
  setupUrl?: string;
  /** Permissions the App asks for on install (what a new installation is granted); default `{}`. */
  requestedPermissions?: Permissions;
  /** The account the next install through the install page lands on; default the organization `gatehouse-sim`. */
  installTarget?: AccountSeed | string;
}

/** One-shot override of what the owner grants on the next install-page visit (see `setNextInstallation`). */
export interface NextInstallation {
  /** Granted instead of the App's requested permissions (broader or narrower, as an owner may). */
  permissions?: Permissions;
  /** Default `'all'`. */
  repositories?: 'all' | string[];
  /** Login of the account to install on instead of the App's install target. */
  account?: string;
  /** The owner cancels: no installation, no redirect to the setup URL. */
  cancel?: boolean;
}

/** What `addApp` returns: the key the test hands to the client. */
export interface SeededApp {
  appId: number;
  slug: string;
  /** PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), the format GitHub hands out, unless the test gave its own. */
  privateKeyPem: string;
}

/** The account an installation belongs to. */
export interface AccountSeed {
  login: string;
  /** Default `Organization`. */
  type?: 'User' | 'Organization';
}

/** Options of `addInstallation`. */
export interface InstallationSeed {
  id: number;
  /** Needed only when more than one app is seeded. */
  appId?: number;
  /** A login (an organization) or an account object. */
  account: string | AccountSeed;
  /** `'all'` (every repository of the account) or the names of the selected repositories. */
  repositories: 'all' | string[];
  permissions: Permissions;
}

/** Options of `addRepo`. */
export interface RepoSeed {
  owner: string;
  name: string;
  /** Default true (installations mostly see private repositories). */
  private?: boolean;
  /** Default `main`. */
  defaultBranch?: string;
}

/** A seeded repository. */
export interface SeededRepo {
  id: number;
  fullName: string;
}

/** Options of `addIssue`. `repo` is `owner/name`. */
export interface IssueSeed {
  repo: string;
  title: string;
  body?: string | null;
  /** Author login; default `octocat`. */
  user?: string;
  /** Default `open`. */
  state?: 'open' | 'closed';
  labels?: string[];
  assignees?: string[];
  comments?: number;
  /** Default the simulator clock, one second later than the previous seed so order is stable. */
  createdAt?: Date;
  updatedAt?: Date;
}

/** Options of `addPull`. `repo` is `owner/name`. */
export interface PullSeed {
  repo: string;
  title: string;
  body?: string | null;
  user?: string;
  /** Default `open`; a merged pull request is closed. */
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  /** Head branch; default `feature-<number>`. */
  head?: string;
  /** Base branch; default the repository's default branch. */
  base?: string;
  labels?: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

/** A seeded issue or pull request: its number in the repository and its ids. */
export interface SeededIssue {
  number: number;
  /** The issue id (what `GET /issues` shows, also for pull requests). */
  id: number;
  /** The pull request id (only for pull requests). */
  pullId?: number;
}

/** Options of `putFile`. `repo` is `owner/name`. */
export interface FileSeed {
  repo: string;
  path: string;
  /** Text (stored as UTF-8) or raw bytes. */
  content: string | Uint8Array;
  /** Branch; default the repository's default branch. */
  ref?: string;
}

/** What `putFile` returns. */
export interface SeededFile {
  /** Git blob sha of the content, as GitHub reports it. */
  sha: string;
  size: number;
}

/** Options of `setRateLimit`. */
export interface RateLimitConfig {
  /** Requests per hour of every installation and app bucket from now on. */
  limit: number;
  /** Status of the answer once a bucket is exhausted; GitHub uses both. Default 403. */
  exhaustedStatus?: 403 | 429;
}

/** A running simulator. */
export interface GitHubSimulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (also served under `/api/v3`, like GitHub Enterprise Server). */
  url: string;
  /** Stops listening and cuts open connections. */
  close(): Promise<void>;
  /** Registers a GitHub App; generates an RSA key pair when no key is given. */
  addApp(seed: AppSeed): SeededApp;
  /** Installs an app on an account. */
  addInstallation(seed: InstallationSeed): void;
  /** Adds a repository (the owner need not have an installation). */
  addRepo(seed: RepoSeed): SeededRepo;
  /** Adds an issue; issues and pull requests share a repository's numbers, as on GitHub. */
  addIssue(seed: IssueSeed): SeededIssue;
  /** Adds a pull request (which is also an issue). */
  addPull(seed: PullSeed): SeededIssue;
  /** Creates or replaces a file on a branch. */
  putFile(seed: FileSeed): SeededFile;
  /** Makes an installation token invalid from now on (as if revoked). */
  revokeToken(token: string): void;
  /** Lifetime of installation tokens issued from now on; default 3600 s. */
  setTokenLifetimeSeconds(seconds: number): void;
  /** Lifetime of installation tokens minted from now on; default 3600 s. Same setting as `setTokenLifetimeSeconds`. */
  setInstallationTokenLifetimeSeconds(seconds: number): void;
  /** Overrides what the next `GET /apps/:slug/installations/new` grants (that visit only). */
  setNextInstallation(c: NextInstallation): void;
  /**
   * The owner accepts new permissions or reduces them: tokens minted afterwards carry these
   * (plus `metadata: read`, which GitHub always grants); tokens already minted keep theirs.
   */
  setInstallationPermissions(installationId: number, permissions: Permissions): void;
  /** Successful `POST /app/installations/{id}/access_tokens` so far, of one installation or of all. */
  tokenMintCount(installationId?: number): number;
  /** Primary rate limit of every bucket; counts start afresh. */
  setRateLimit(config: RateLimitConfig): void;
  /** Tokens issued so far, oldest first (for assertions that a token was or was not reused). */
  issuedTokens(): string[];
  /** Requests received, by `"METHOD /path"` (no query, no `/api/v3` prefix). */
  requestCounts(): Record<string, number>;
  /** Every request with the wall-clock time it arrived (ms), oldest first: for rate assertions. */
  requestTimeline(): Array<{ at: number; key: string }>;
  /** Forgets all request counts. */
  resetRequestCounts(): void;
  /** Fault injection; each fault is consumed by the matching requests, in order. */
  faults: FaultInjector;
}
