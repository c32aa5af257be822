import type { AppRecord, InstallationRecord, Store } from './store';
import { isoSeconds } from './time';
import type { TokenStore } from './token-store';
import type { Clock, NextInstallation, Permissions } from './types';

/** What the owner did on the install page. */
export type InstallOutcome = { kind: 'cancelled' } | { kind: 'installed'; installation: InstallationRecord };

/**
 * What an account owner does to an App's installations outside the REST API: install it (the
 * browser install page), change its permissions, uninstall it. Kept apart from the routes so the
 * test-facing helpers and the HTTP endpoints change state the same way.
 */
export class InstallationLifecycle {
  /** One-shot override of the next install; cleared once used so later installs are the default again. */
  private next: NextInstallation | undefined;

  constructor(private readonly store: Store, private readonly tokens: TokenStore, private readonly clock: Clock) {}

  setNext(next: NextInstallation): void {
    this.next = { ...next };
  }

  /** The owner approves (or cancels) the install of `app`; a new installation gets a new id, as on GitHub. */
  install(app: AppRecord): InstallOutcome {
    const next = this.next ?? {};
    this.next = undefined;
    if (next.cancel) return { kind: 'cancelled' };
    const repositories = next.repositories ?? 'all';
    const installation: InstallationRecord = {
      id: this.store.newId(),
      appId: app.id,
      // An existing account keeps its type; an unknown login is taken to be an organization.
      account: next.account === undefined ? app.installTarget : this.store.account(next.account, 'Organization'),
      repositories: repositories === 'all' ? 'all' : new Set(repositories.map((name) => name.toLowerCase())),
      permissions: withMetadata(next.permissions ?? app.requestedPermissions),
      createdAt: isoSeconds(this.clock()),
    };
    this.store.installations.set(installation.id, installation);
    return { kind: 'installed', installation };
  }

  /** Tokens minted later carry the new permissions; tokens already out keep what they were minted with. */
  setPermissions(installationId: number, permissions: Permissions): void {
    const installation = this.store.installations.get(installationId);
    if (!installation) throw new Error(`no installation ${installationId}`);
    installation.permissions = withMetadata(permissions);
    installation.updatedAt = isoSeconds(this.clock());
  }

  /** Removes the installation: its tokens stop working and minting for it answers 404. */
  uninstall(installationId: number): void {
    this.store.installations.delete(installationId);
    this.tokens.revokeInstallation(installationId);
  }
}

/** GitHub always grants `metadata: read` to an installation (addInstallation does the same). */
function withMetadata(permissions: Permissions): Permissions {
  return { metadata: 'read', ...permissions };
}
