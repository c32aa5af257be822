import type { AccountRecord, RepoRecord } from './store';

/** Where `html_url`s point; the simulator serves no HTML, so these are github.com's forms. */
export const WEB_URL = 'https://github.com';

/** GitHub's legacy global node id form, e.g. `MDEwOlJlcG9zaXRvcnkxMjk2MjY5` for `010:Repository1296269`. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${String(type.length).padStart(2, '0')}:${type}${id}`).toString('base64');
}

/** A "simple user" object. */
export function renderUser(account: AccountRecord, apiBase: string): Record<string, unknown> {
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    url: `${apiBase}/users/${account.login}`,
    html_url: `${WEB_URL}/${account.login}`,
    type: account.type,
    site_admin: false,
  };
}

/** A repository object (the fields clients commonly read). */
export function renderRepo(repo: RepoRecord, apiBase: string): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    owner: renderUser(repo.owner, apiBase),
    html_url: `${WEB_URL}/${repo.fullName}`,
    description: null,
    fork: false,
    url: `${apiBase}/repos/${repo.fullName}`,
    default_branch: repo.defaultBranch,
    archived: false,
    disabled: false,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
  };
}
