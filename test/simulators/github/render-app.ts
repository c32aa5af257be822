import { WEB_URL, nodeId, renderUser } from './render-common';
import type { AppRecord, InstallationRecord } from './store';

/** `GET /app`. */
export function renderApp(app: AppRecord, installationsCount: number, apiBase: string): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('Integration', app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
    owner: renderUser(app.owner, apiBase),
    name: app.name,
    description: '',
    external_url: 'https://gatehouse.example',
    html_url: `${WEB_URL}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { metadata: 'read', contents: 'read', issues: 'read', pull_requests: 'read' },
    events: ['issues', 'pull_request', 'push'],
    installations_count: installationsCount,
  };
}

/** An installation object (`GET /app/installations`, `GET /repos/{o}/{r}/installation`, …). */
export function renderInstallation(installation: InstallationRecord, app: AppRecord, apiBase: string): Record<string, unknown> {
  return {
    id: installation.id,
    account: renderUser(installation.account, apiBase),
    repository_selection: installation.repositories === 'all' ? 'all' : 'selected',
    access_tokens_url: `${apiBase}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${apiBase}/installation/repositories`,
    html_url: `${WEB_URL}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: installation.permissions,
    events: ['issues', 'pull_request', 'push'],
    created_at: installation.createdAt,
    updated_at: installation.updatedAt ?? installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
