/**
 * The GitHub connection every action is handed: the tenant's GitHub App client and the install
 * config it was built from (the config also names the repository a smoke test reads).
 */
import type { InstallationFacts } from '../framework/action-contract';
import { actionsFor } from '../framework/define-connector';
import type { ConnectorEnvironment } from '../framework/types';
import { githubClientFor, type GitHubInstallConfig } from '../../tenancy/github-client';
import type { GitHubClient } from './client';

export interface GitHubConnection {
  client: GitHubClient;
  config: GitHubInstallConfig;
}

/** Opens the tenant's client from its install config and sealed private key (base URL checked by the URL guard). */
export function connectGitHub(env: ConnectorEnvironment): Promise<GitHubConnection> {
  return githubClientFor(env.deps, env.tenant);
}

/** `defineAction` for GitHub actions: `ctx.connection` is the tenant's client and install config. */
export const defineGitHubAction = actionsFor<GitHubConnection>();

/**
 * The repository an installation names in its config (`owner` and `repo`), for smoke inputs;
 * undefined when it names none. Values are passed on as written: a malformed one fails the
 * action's input schema, which is what the smoke test should report.
 */
export function configuredRepository(facts: InstallationFacts): { owner: string; repo: string } | undefined {
  const { owner, repo } = facts.config;
  return typeof owner === 'string' && typeof repo === 'string' && owner !== '' && repo !== '' ? { owner, repo } : undefined;
}

/** A first page of five from the configured repository: enough to prove the installation reads it. */
export function configuredRepositoryFirstPage(facts: InstallationFacts): { owner: string; repo: string; perPage: number } | undefined {
  const repository = configuredRepository(facts);
  return repository && { ...repository, perPage: 5 };
}
