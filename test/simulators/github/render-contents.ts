import { createHash } from 'node:crypto';
import { WEB_URL } from './render-common';
import type { FileRecord, RepoRecord } from './store';

/** Above this size GitHub answers `content: ""` with `encoding: "none"` (wire reference §3: files of 1–100 MB). */
export const MAX_INLINE_BYTES = 1024 * 1024;

/**
 * Base64 with a newline after every 60 characters and at the end, as Ruby's `Base64.encode64`
 * (which GitHub's answers match) writes it; clients must strip the newlines before decoding.
 */
export function wrappedBase64(bytes: Buffer): string {
  const flat = bytes.toString('base64');
  if (flat === '') return '';
  return `${flat.match(/.{1,60}/g)?.join('\n') ?? ''}\n`;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

interface Entry {
  type: 'file' | 'dir';
  name: string;
  path: string;
  sha: string;
  size: number;
}

function links(repo: RepoRecord, entry: Entry, ref: string, apiBase: string): Record<string, unknown> {
  const self = `${apiBase}/repos/${repo.fullName}/contents/${encodePath(entry.path)}?ref=${encodeURIComponent(ref)}`;
  const git = `${apiBase}/repos/${repo.fullName}/git/${entry.type === 'file' ? 'blobs' : 'trees'}/${entry.sha}`;
  const html = `${WEB_URL}/${repo.fullName}/${entry.type === 'file' ? 'blob' : 'tree'}/${encodeURIComponent(ref)}/${encodePath(entry.path)}`;
  return {
    name: entry.name,
    path: entry.path,
    sha: entry.sha,
    size: entry.size,
    url: self,
    html_url: html,
    git_url: git,
    download_url: entry.type === 'file' ? `https://raw.githubusercontent.com/${repo.fullName}/${encodeURIComponent(ref)}/${encodePath(entry.path)}` : null,
    type: entry.type,
    _links: { self, git, html },
  };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A file answer: base64 content inline, or none for large files. */
export function renderFile(file: FileRecord, repo: RepoRecord, ref: string, apiBase: string): Record<string, unknown> {
  const inline = file.bytes.length <= MAX_INLINE_BYTES;
  const entry: Entry = { type: 'file', name: baseName(file.path), path: file.path, sha: file.sha, size: file.bytes.length };
  return {
    ...links(repo, entry, ref, apiBase),
    content: inline ? wrappedBase64(file.bytes) : '',
    encoding: inline ? 'base64' : 'none',
  };
}

/**
 * A directory answer: an array of its immediate children (files and sub-directories), without
 * content, sorted by name. Returns undefined when no file lies under `dir`.
 */
export function renderDirectory(files: Iterable<FileRecord>, dir: string, repo: RepoRecord, ref: string, apiBase: string): Record<string, unknown>[] | undefined {
  const prefix = dir === '' ? '' : `${dir}/`;
  const children = new Map<string, Entry>();
  const subtrees = new Map<string, string[]>();
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      children.set(rest, { type: 'file', name: rest, path: file.path, sha: file.sha, size: file.bytes.length });
    } else {
      const name = rest.slice(0, slash);
      subtrees.set(name, [...(subtrees.get(name) ?? []), `${rest}:${file.sha}`]);
    }
  }
  for (const [name, contents] of subtrees) {
    // A stand-in tree id: stable for the same contents, which is all a client can rely on.
    const sha = createHash('sha1').update(contents.sort().join('\n')).digest('hex');
    children.set(name, { type: 'dir', name, path: `${prefix}${name}`, sha, size: 0 });
  }
  if (children.size === 0) return undefined;
  return [...children.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((entry) => links(repo, entry, ref, apiBase));
}
