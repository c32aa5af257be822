import type { KeyObject } from 'node:crypto';
import type { Permissions } from './types';

/** A registered GitHub App. */
export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: AccountRecord;
  publicKey: KeyObject;
  createdAt: string;
  /** Where the install page redirects after an install; none means no redirect. */
  setupUrl?: string;
  /** What a new installation is granted unless the test overrides it. */
  requestedPermissions: Permissions;
  /** Where the install page installs the App. */
  installTarget: AccountRecord;
}

/** A user or organization. */
export interface AccountRecord {
  login: string;
  id: number;
  type: 'User' | 'Organization';
}

/** An app installed on an account. */
export interface InstallationRecord {
  id: number;
  appId: number;
  account: AccountRecord;
  /** `'all'`, or the lower-cased names of the selected repositories. */
  repositories: 'all' | Set<string>;
  permissions: Permissions;
  createdAt: string;
  /** Set when the owner changed the permissions; `updated_at` is `createdAt` until then. */
  updatedAt?: string;
}

/** A repository. */
export interface RepoRecord {
  id: number;
  owner: AccountRecord;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
}

/** The pull-request half of an issue that is a pull request. */
export interface PullRecord {
  id: number;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  draft: boolean;
  mergedAt: string | null;
}

/** An issue; pull requests are issues with `pull` set, sharing the repository's numbers. */
export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: AccountRecord;
  state: 'open' | 'closed';
  labels: string[];
  assignees: AccountRecord[];
  comments: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull?: PullRecord;
}

/** A file on a branch. */
export interface FileRecord {
  path: string;
  bytes: Buffer;
  sha: string;
}

/** GitHub treats owner and repository names case-insensitively. */
export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

/**
 * In-memory state. Seeding rules (defaults, numbering) live in seed.ts; this only stores and
 * looks up, so routes and seeding share one source of truth.
 */
export class Store {
  readonly apps = new Map<number, AppRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly issues = new Map<string, IssueRecord[]>();
  /** repoKey → branch → path → file. */
  readonly files = new Map<string, Map<string, Map<string, FileRecord>>>();
  private readonly accounts = new Map<string, AccountRecord>();
  private nextId = 1000;

  /** A fresh numeric id, unique across every kind of object (GitHub ids are global too). */
  newId(): number {
    return this.nextId++;
  }

  /** The account with this login, created on first use. */
  account(login: string, type: AccountRecord['type'] = 'User'): AccountRecord {
    const key = login.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      account = { login, id: this.newId(), type };
      this.accounts.set(key, account);
    }
    return account;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  /** Issues and pull requests of a repository, in creation order. */
  issuesOf(repo: RepoRecord): IssueRecord[] {
    let list = this.issues.get(repoKey(repo.owner.login, repo.name));
    if (!list) {
      list = [];
      this.issues.set(repoKey(repo.owner.login, repo.name), list);
    }
    return list;
  }

  /** The files of one branch, created on first use. */
  branchFiles(repo: RepoRecord, branch: string): Map<string, FileRecord> {
    const key = repoKey(repo.owner.login, repo.name);
    let branches = this.files.get(key);
    if (!branches) {
      branches = new Map();
      this.files.set(key, branches);
    }
    let files = branches.get(branch);
    if (!files) {
      files = new Map();
      branches.set(branch, files);
    }
    return files;
  }

  /** True when the branch exists (the default branch always does). */
  hasBranch(repo: RepoRecord, branch: string): boolean {
    return branch === repo.defaultBranch || (this.files.get(repoKey(repo.owner.login, repo.name))?.has(branch) ?? false);
  }

  /** Repositories an installation covers, in insertion order. */
  reposOf(installation: InstallationRecord): RepoRecord[] {
    return [...this.repos.values()].filter((repo) => installationCovers(installation, repo));
  }
}

/** True when the installation can see the repository. */
export function installationCovers(installation: InstallationRecord, repo: RepoRecord): boolean {
  if (repo.owner.login.toLowerCase() !== installation.account.login.toLowerCase()) return false;
  return installation.repositories === 'all' || installation.repositories.has(repo.name.toLowerCase());
}
