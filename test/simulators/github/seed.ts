import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { blobSha, randomCommitSha } from './git-objects';
import { repoKey, type AccountRecord, type IssueRecord, type Store } from './store';
import { isoSeconds } from './time';
import type {
  AccountSeed, AppSeed, Clock, FileSeed, InstallationSeed, IssueSeed, PullSeed, RepoSeed, SeededApp, SeededFile, SeededIssue, SeededRepo,
} from './types';

/**
 * Turns test seeds into stored records, filling in what GitHub would (ids, numbers, timestamps,
 * shas). Seeding is stricter than the API: a bad seed throws, since it is a bug in the test.
 */
export class Seeder {
  /** Seeds are spaced one second apart so "newest first" orders are deterministic. */
  private lastSeedMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  addApp(seed: AppSeed): SeededApp {
    if (!Number.isInteger(seed.appId) || seed.appId < 1) throw new Error(`appId must be a positive integer, got ${seed.appId}`);
    if (this.store.apps.has(seed.appId)) throw new Error(`app ${seed.appId} already exists`);
    // GitHub hands out PKCS#1 PEMs ("BEGIN RSA PRIVATE KEY"); generate the same so the client sees the real format.
    const privateKeyPem = seed.privateKeyPem ?? generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const slug = seed.slug ?? `gatehouse-test-app-${seed.appId}`;
    this.store.apps.set(seed.appId, {
      id: seed.appId,
      slug,
      name: seed.name ?? slug,
      owner: this.store.account(seed.owner ?? 'gatehouse', 'Organization'),
      publicKey: createPublicKey(createPrivateKey(privateKeyPem)),
      createdAt: isoSeconds(this.clock()),
      ...(seed.setupUrl === undefined ? {} : { setupUrl: seed.setupUrl }),
      requestedPermissions: { ...seed.requestedPermissions },
      installTarget: this.accountOf(seed.installTarget ?? 'gatehouse-sim'),
    });
    return { appId: seed.appId, slug, privateKeyPem };
  }

  addInstallation(seed: InstallationSeed): void {
    if (this.store.installations.has(seed.id)) throw new Error(`installation ${seed.id} already exists`);
    const appId = seed.appId ?? this.onlyAppId();
    if (!this.store.apps.has(appId)) throw new Error(`no app ${appId}`);
    this.store.installations.set(seed.id, {
      id: seed.id,
      appId,
      account: this.accountOf(seed.account),
      repositories: seed.repositories === 'all' ? 'all' : new Set(seed.repositories.map((name) => name.toLowerCase())),
      permissions: { metadata: 'read', ...seed.permissions },
      createdAt: isoSeconds(this.clock()),
    });
  }

  addRepo(seed: RepoSeed): SeededRepo {
    const key = repoKey(seed.owner, seed.name);
    if (this.store.repos.has(key)) throw new Error(`repository ${seed.owner}/${seed.name} already exists`);
    const owner = this.store.account(seed.owner, 'Organization');
    const repo = {
      id: this.store.newId(),
      owner,
      name: seed.name,
      fullName: `${owner.login}/${seed.name}`,
      private: seed.private ?? true,
      defaultBranch: seed.defaultBranch ?? 'main',
      createdAt: isoSeconds(this.clock()),
    };
    this.store.repos.set(key, repo);
    return { id: repo.id, fullName: repo.fullName };
  }

  addIssue(seed: IssueSeed): SeededIssue {
    const issue = this.newIssue(seed);
    return { number: issue.number, id: issue.id };
  }

  addPull(seed: PullSeed): SeededIssue {
    const repo = this.repoNamed(seed.repo);
    const merged = seed.merged ?? false;
    const issue = this.newIssue({ ...seed, state: merged ? 'closed' : seed.state });
    issue.pull = {
      id: this.store.newId(),
      head: seed.head ?? `feature-${issue.number}`,
      base: seed.base ?? repo.defaultBranch,
      headSha: randomCommitSha(),
      baseSha: randomCommitSha(),
      draft: seed.draft ?? false,
      mergedAt: merged ? issue.closedAt : null,
    };
    return { number: issue.number, id: issue.id, pullId: issue.pull.id };
  }

  putFile(seed: FileSeed): SeededFile {
    const repo = this.repoNamed(seed.repo);
    const path = seed.path.replace(/^\/+|\/+$/g, '');
    if (path === '' || path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new Error(`invalid file path ${JSON.stringify(seed.path)}`);
    }
    const bytes = typeof seed.content === 'string' ? Buffer.from(seed.content, 'utf8') : Buffer.from(seed.content);
    const sha = blobSha(bytes);
    this.store.branchFiles(repo, seed.ref ?? repo.defaultBranch).set(path, { path, bytes, sha });
    return { sha, size: bytes.length };
  }

  private newIssue(seed: IssueSeed): IssueRecord {
    const repo = this.repoNamed(seed.repo);
    const list = this.store.issuesOf(repo);
    const created = seed.createdAt ?? this.nextSeedTime();
    const updated = seed.updatedAt ?? created;
    const state = seed.state ?? 'open';
    const issue: IssueRecord = {
      id: this.store.newId(),
      number: list.length + 1,
      title: seed.title,
      body: seed.body === undefined ? null : seed.body,
      user: this.store.account(seed.user ?? 'octocat'),
      state,
      labels: seed.labels ?? [],
      assignees: (seed.assignees ?? []).map((login) => this.store.account(login)),
      comments: seed.comments ?? 0,
      createdAt: isoSeconds(created),
      updatedAt: isoSeconds(updated),
      closedAt: state === 'closed' ? isoSeconds(updated) : null,
    };
    list.push(issue);
    return issue;
  }

  private nextSeedTime(): Date {
    this.lastSeedMs = Math.max(this.clock().getTime(), this.lastSeedMs + 1000);
    return new Date(this.lastSeedMs);
  }

  private repoNamed(fullName: string): NonNullable<ReturnType<Store['repo']>> {
    const [owner, name, ...rest] = fullName.split('/');
    const repo = owner && name && rest.length === 0 ? this.store.repo(owner, name) : undefined;
    if (!repo) throw new Error(`no repository ${fullName} (seed it with addRepo first)`);
    return repo;
  }

  /** A login means an organization, as GitHub Apps are mostly installed on organizations. */
  private accountOf(seed: string | AccountSeed): AccountRecord {
    const account = typeof seed === 'string' ? { login: seed } : seed;
    return this.store.account(account.login, account.type ?? 'Organization');
  }

  private onlyAppId(): number {
    const ids = [...this.store.apps.keys()];
    if (ids.length !== 1 || ids[0] === undefined) throw new Error('addInstallation needs appId when there is not exactly one app');
    return ids[0];
  }
}
