/** A finding of the validator or the checker: where (a JSON path) and what is wrong. */
export interface ManifestProblem {
  /** JSON path inside the manifest (`actions[2].approvalGate`), or a file path for file-level problems. */
  path: string;
  /** What is wrong and, where possible, how to fix it. */
  message: string;
}

/** Formats a property path as `a.b[2].c` (the empty path is `(root)`). */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Prefixes a path: `join('actions[0]', 'scopes')` is `actions[0].scopes`. */
export function joinPath(base: string, child: string | number): string {
  if (typeof child === 'number') return `${base}[${child}]`;
  return base === '' || base === '(root)' ? child : `${base}.${child}`;
}

/** One line per problem, for CLI output and assertion messages. */
export function formatProblems(problems: readonly ManifestProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
}
