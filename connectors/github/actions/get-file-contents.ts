/**
 * Read action `github.contents.get`: fetch one text file (`GET /repos/{owner}/{repo}/contents/{path}?ref=`) and
 * decode it. Only UTF-8 text up to `maxBytes` (at most 1 MiB, beyond which GitHub stops
 * inlining content) is returned; directories, symlinks, submodules, binary and oversized files
 * are refused with a typed error saying which. Needs the installation permission `contents: read`.
 */
import { z } from 'zod';
import type { GitHubClient } from '../client';
import { GitHubApiError } from '../errors';
import { ownerSchema, repoNameSchema } from '../repository-ref';
import { parseInput, parseProvider } from '../schema-parse';
import { configuredRepository, defineGitHubAction } from '../connection';

/** The largest file this action reads: GitHub answers bigger files with `encoding: "none"` and no content. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A path inside the repository: relative, `/`-separated, no empty, `.` or `..` segments, no control characters. */
const filePathSchema = z.string().min(1).max(4096)
  // NUL and other control characters never belong in a path; refusing them keeps logs and messages clean.
  .regex(/^[^\u0000-\u001f]+$/, 'a path cannot contain control characters')
  .refine((path) => path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'a path is relative, without empty, "." or ".." segments')
  .describe('File path inside the repository, e.g. docs/README.md');

/** Input of {@link getFileContents}. */
export const inputSchema = z.object({
  owner: ownerSchema,
  repo: repoNameSchema,
  path: filePathSchema,
  ref: z.string().min(1).max(255).optional().describe('Branch, tag or commit; default the repository default branch'),
  maxBytes: z.number().int().min(1).max(MAX_FILE_BYTES).default(MAX_FILE_BYTES).describe('Refuse files larger than this'),
}).strict();

/** Output of {@link getFileContents}. */
export const outputSchema = z.object({
  path: z.string(),
  name: z.string(),
  /** Git blob sha: changes whenever the content does. */
  sha: z.string(),
  /** Size in bytes. */
  size: z.number().int(),
  /** The ref asked for, or null for the default branch. */
  ref: z.string().nullable(),
  encoding: z.literal('utf-8'),
  text: z.string(),
  htmlUrl: z.string().nullable(),
});

/** Input as callers write it (defaults optional). */
export type GetFileContentsInput = z.input<typeof inputSchema>;
/** Output of {@link getFileContents}. */
export type GetFileContentsOutput = z.output<typeof outputSchema>;

/** Provider schema: any single content object (its `type` decides what it is). */
const rawEntrySchema = z.object({ type: z.string(), path: z.string() });

/** Provider schema of a file (wire reference §3: base64 with line breaks, or `encoding: "none"` when large). */
const rawFileSchema = z.object({
  type: z.literal('file'),
  encoding: z.string(),
  size: z.number().int().nonnegative(),
  name: z.string(),
  path: z.string(),
  content: z.string(),
  sha: z.string(),
  html_url: z.string().nullable().optional(),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes GitHub's line-wrapped base64, checking it against the declared size. */
function decodeBase64(content: string, size: number, what: string): Buffer {
  const compact = content.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) {
    throw new GitHubApiError('invalid_response', `GitHub ${what} answered with content that is not valid base64`);
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length !== size) {
    throw new GitHubApiError('invalid_response', `GitHub ${what} answered ${bytes.length} bytes of content for a file of ${size} bytes`);
  }
  return bytes;
}

/** UTF-8 text, or undefined for binary content (a NUL byte, or bytes that are not UTF-8). */
function asText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Fetches and decodes one UTF-8 text file. Throws a `GitHubApiError` on any failure or refusal. */
export async function getFileContents(client: GitHubClient, input: GetFileContentsInput): Promise<GetFileContentsOutput> {
  const args = parseInput(inputSchema, input, 'github get file contents');
  const what = `GET /repos/${args.owner}/${args.repo}/contents/${args.path}`;
  const response = await client.request('GET /repos/{owner}/{repo}/contents/{path}',
    { owner: args.owner, repo: args.repo, path: args.path, ref: args.ref }, { permission: 'contents' });

  if (Array.isArray(response.data)) {
    throw new GitHubApiError('not_a_file', `${args.path} in ${args.owner}/${args.repo} is a directory, not a file`);
  }
  const entry = parseProvider(rawEntrySchema, response.data, what);
  if (entry.type !== 'file') {
    throw new GitHubApiError('not_a_file', `${args.path} in ${args.owner}/${args.repo} is a ${entry.type}, not a file`);
  }
  const file = parseProvider(rawFileSchema, response.data, what);
  if (file.size > args.maxBytes || file.encoding === 'none') {
    throw new GitHubApiError('file_too_large',
      `${args.path} in ${args.owner}/${args.repo} is ${file.size} bytes; at most ${args.maxBytes} bytes are read`);
  }
  if (file.encoding !== 'base64') {
    throw new GitHubApiError('invalid_response', `GitHub ${what} answered with unsupported encoding ${JSON.stringify(file.encoding.slice(0, 20))}`);
  }
  const text = asText(decodeBase64(file.content, file.size, what));
  if (text === undefined) {
    throw new GitHubApiError('binary_file', `${args.path} in ${args.owner}/${args.repo} is a binary file; only UTF-8 text is read`);
  }
  return {
    path: file.path,
    name: file.name,
    sha: file.sha,
    size: file.size,
    ref: args.ref ?? null,
    encoding: 'utf-8',
    text,
    htmlUrl: file.html_url ?? null,
  };
}

/** The file a smoke test reads when the install config names none (`smokeTestPath`). */
export const DEFAULT_SMOKE_TEST_PATH = 'README.md';

/** The action: its facts for the manifest, and the implementation above. */
export const getFileContentsAction = defineGitHubAction({
  actionId: 'github.contents.get',
  name: 'Fetch file contents',
  description: 'GET /repos/{owner}/{repo}/contents/{path}: one UTF-8 text file (up to 1 MiB) at a branch, tag or commit, decoded. Directories, symlinks, submodules, binary and larger files are refused.',
  kind: 'read',
  input: inputSchema,
  output: outputSchema,
  approvalGate: 'read_only',
  riskLevel: 'low',
  auditRequired: false,
  scopes: ['contents:read'],
  idempotency: 'not_applicable',
  run: (ctx, input) => getFileContents(ctx.connection.client, input),
  smokeInput: (facts) => {
    const repository = configuredRepository(facts);
    const configured = facts.config['smokeTestPath'];
    return repository && { ...repository, path: typeof configured === 'string' && configured !== '' ? configured : DEFAULT_SMOKE_TEST_PATH };
  },
  sampleInput: { owner: 'octocat', repo: 'Hello-World', path: 'README' },
});
