/**
 * The worker's workflow bundle entry: the built-in workflows (`workflows/index.ts`) plus every
 * workflow file in `workflows/approvals/`, so a developer adds an approval workflow by adding
 * one file there — no list to edit. The entry is generated at bundle time into the git-ignored
 * `.build/` directory of the project (inside it, so the bundler finds `node_modules`) and
 * re-exports each file by absolute path.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where developers' approval workflows live. */
export const approvalWorkflowsDir = resolve(__dirname, '../workflows/approvals');

/** The workflow files of `workflows/approvals/`, sorted (tests and helpers excluded by name). */
export function approvalWorkflowFiles(): string[] {
  return readdirSync(approvalWorkflowsDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts') && !name.startsWith('_'))
    .sort()
    .map((name) => join(approvalWorkflowsDir, name));
}

/** Writes the entry file and returns its path. */
export function workflowEntryPath(): string {
  const modules = [resolve(__dirname, '../workflows/index.ts'), ...approvalWorkflowFiles()];
  const text = `${modules.map((m) => `export * from ${JSON.stringify(m.replace(/\.ts$/, ''))};`).join('\n')}\n`;
  // One file per content: concurrent bundlers (test files run two at a time) never see a half-written entry.
  const dir = resolve(__dirname, '../.build');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `workflows-entry-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.ts`);
  if (!existsSync(path)) {
    // Written aside and renamed into place: another process bundling at the same moment never reads a half-written file.
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, text);
    renameSync(aside, path);
  }
  return path;
}
