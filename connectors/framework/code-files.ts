/**
 * Which files count as a connector's code: everything the runtime may load from its directory.
 * Definitions use {@link codeFilesIn} so a file added to a connector's directory is signed (or,
 * until it is, makes `check` fail), instead of silently running unsigned.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRepoRoot } from './repo-paths';

/** File names that are code (or data the code loads), as opposed to docs. */
export const codeFilePattern = /\.(?:ts|mts|cts|js|mjs|cjs|json)$/;

/**
 * The code files under a repository directory (recursively), as sorted repository-relative
 * `/`-separated paths. Read when the definition is loaded, from this checkout.
 */
export function codeFilesIn(directory: string, repoRoot: string = defaultRepoRoot): string[] {
  const found: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of readdirSync(join(repoRoot, relativeDir), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && codeFilePattern.test(entry.name)) found.push(path);
    }
  };
  walk(directory.replace(/\/+$/, ''));
  return found.sort();
}
