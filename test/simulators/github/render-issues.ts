import { WEB_URL, nodeId, renderRepo, renderUser } from './render-common';
import type { IssueRecord, PullRecord, RepoRecord } from './store';

function renderLabels(labels: string[], repo: RepoRecord, apiBase: string): Record<string, unknown>[] {
  return labels.map((name, index) => ({
    id: repo.id * 1000 + index,
    node_id: nodeId('Label', repo.id * 1000 + index),
    url: `${apiBase}/repos/${repo.fullName}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  }));
}

/**
 * An item of `GET /repos/{o}/{r}/issues`. A pull request appears here too, with its issue id
 * and a `pull_request` key (wire reference §3): that key is how clients tell them apart.
 */
export function renderIssue(issue: IssueRecord, repo: RepoRecord, apiBase: string): Record<string, unknown> {
  const kind = issue.pull ? 'pull' : 'issues';
  const rendered: Record<string, unknown> = {
    url: `${apiBase}/repos/${repo.fullName}/issues/${issue.number}`,
    repository_url: `${apiBase}/repos/${repo.fullName}`,
    html_url: `${WEB_URL}/${repo.fullName}/${kind}/${issue.number}`,
    id: issue.id,
    node_id: nodeId('Issue', issue.id),
    number: issue.number,
    title: issue.title,
    user: renderUser(issue.user, apiBase),
    labels: renderLabels(issue.labels, repo, apiBase),
    state: issue.state,
    state_reason: issue.state === 'closed' ? 'completed' : null,
    locked: false,
    assignee: issue.assignees[0] ? renderUser(issue.assignees[0], apiBase) : null,
    assignees: issue.assignees.map((a) => renderUser(a, apiBase)),
    milestone: null,
    comments: issue.comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: 'MEMBER',
    body: issue.body,
  };
  if (issue.pull) {
    rendered['draft'] = issue.pull.draft;
    rendered['pull_request'] = {
      url: `${apiBase}/repos/${repo.fullName}/pulls/${issue.number}`,
      html_url: `${WEB_URL}/${repo.fullName}/pull/${issue.number}`,
      diff_url: `${WEB_URL}/${repo.fullName}/pull/${issue.number}.diff`,
      patch_url: `${WEB_URL}/${repo.fullName}/pull/${issue.number}.patch`,
      merged_at: issue.pull.mergedAt,
    };
  }
  return rendered;
}

function renderBranch(repo: RepoRecord, ref: string, sha: string, apiBase: string): Record<string, unknown> {
  return { label: `${repo.owner.login}:${ref}`, ref, sha, user: renderUser(repo.owner, apiBase), repo: renderRepo(repo, apiBase) };
}

/** An item of `GET /repos/{o}/{r}/pulls`: the pull request id, not the issue id. */
export function renderPull(issue: IssueRecord & { pull: PullRecord }, repo: RepoRecord, apiBase: string): Record<string, unknown> {
  const { pull } = issue;
  const base = `${apiBase}/repos/${repo.fullName}`;
  return {
    url: `${base}/pulls/${issue.number}`,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: `${WEB_URL}/${repo.fullName}/pull/${issue.number}`,
    diff_url: `${WEB_URL}/${repo.fullName}/pull/${issue.number}.diff`,
    patch_url: `${WEB_URL}/${repo.fullName}/pull/${issue.number}.patch`,
    issue_url: `${base}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: renderUser(issue.user, apiBase),
    body: issue.body,
    labels: renderLabels(issue.labels, repo, apiBase),
    milestone: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergedAt ? pull.headSha : null,
    assignee: issue.assignees[0] ? renderUser(issue.assignees[0], apiBase) : null,
    assignees: issue.assignees.map((a) => renderUser(a, apiBase)),
    requested_reviewers: [],
    requested_teams: [],
    head: renderBranch(repo, pull.head, pull.headSha, apiBase),
    base: renderBranch(repo, pull.base, pull.baseSha, apiBase),
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pull.draft,
  };
}
