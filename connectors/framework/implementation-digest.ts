/**
 * Digests of a connector's code files. The manifest lists `{path, sha256}` per file and one
 * digest over the list, so the signature on the manifest also covers the code it describes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { canonicalJson } from './canonical-json';

/** One code file and the SHA-256 of its bytes (lowercase hex, as `sha256sum` prints it). */
export interface ImplementationFile {
  path: string;
  sha256: string;
}

/** The `implementation` block of a manifest. */
export interface ImplementationDigest {
  files: ImplementationFile[];
  /** SHA-256 (hex) of the canonical JSON of `files`, sorted by path. */
  digest: string;
}

/** Thrown when a listed file cannot be hashed (missing, unreadable, or outside the repository). */
export class ImplementationFileError extends Error {
  override readonly name = 'ImplementationFileError';
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/** SHA-256 in lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Resolves a manifest path (repository-relative, `/`-separated) inside `repoRoot`, refusing
 * absolute paths and `..` so a manifest can never make the runtime read files elsewhere.
 */
export function resolveInsideRepo(repoRoot: string, relativePath: string): string {
  if (isAbsolute(relativePath) || relativePath.includes('\\') || relativePath.split('/').includes('..')) {
    throw new ImplementationFileError(relativePath, `implementation file "${relativePath}" must be a relative path inside the repository`);
  }
  const root = resolve(repoRoot);
  const full = resolve(root, relativePath);
  if (!full.startsWith(root + sep)) {
    throw new ImplementationFileError(relativePath, `implementation file "${relativePath}" resolves outside the repository`);
  }
  return full;
}

/** Sorts by path in code-unit order (not locale order, which differs between machines). */
export function sortFiles(files: readonly ImplementationFile[]): ImplementationFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The digest over an already hashed file list. */
export async function digestOfFiles(files: readonly ImplementationFile[]): Promise<string> {
  return sha256Hex(await canonicalJson(sortFiles(files)));
}

/** Hashes the files as they are now on disk (bytes as stored: no line-ending normalisation). */
export async function computeImplementationDigest(repoRoot: string, paths: readonly string[]): Promise<ImplementationDigest> {
  const files: ImplementationFile[] = [];
  for (const path of paths) {
    const full = resolveInsideRepo(repoRoot, path);
    let bytes: Buffer;
    try {
      bytes = await readFile(full);
    } catch (err) {
      throw new ImplementationFileError(path, `implementation file "${path}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    files.push({ path, sha256: sha256Hex(bytes) });
  }
  const sorted = sortFiles(files);
  return { files: sorted, digest: await digestOfFiles(sorted) };
}
