/**
 * Lists a new action in its connector's definition: the import of its file (among the other
 * `./actions/` imports, in path order) and its export appended to `actions: [...]`, the order the
 * manifest keeps. A text edit, so the rest of the file stays exactly as its authors wrote it.
 */

/** `definitionText` with the action imported and listed; throws when the file has no `actions: [...]`. */
export function withRegistryLine(definitionText: string, exportName: string, kebab: string, where: string): string {
  const importLine = `import { ${exportName} } from './actions/${kebab}';`;
  const listed = appendToActions(definitionText, exportName, where);
  const lines = listed.split('\n');
  const importAt = (pattern: RegExp) => lines.flatMap((line, i) => (pattern.test(line) ? [i] : []));
  const actionImports = importAt(/^import .* from '\.\/actions\/[^']+';$/);
  if (actionImports.length > 0) {
    const pathOf = (line: string) => /'(\.\/actions\/[^']+)'/.exec(line)?.[1] ?? '';
    const after = actionImports.find((i) => pathOf(lines[i]!).localeCompare(pathOf(importLine)) > 0);
    lines.splice(after ?? actionImports[actionImports.length - 1]! + 1, 0, importLine);
  } else {
    const imports = importAt(/^import .* from '[^']+';$/);
    if (imports.length === 0) throw new Error(`${where}: found no import statement to put the action's import after`);
    lines.splice(imports[imports.length - 1]! + 1, 0, importLine);
  }
  return lines.join('\n');
}

function appendToActions(text: string, exportName: string, where: string): string {
  const match = /^([ \t]*)actions:\s*\[([^\]]*)\]/m.exec(text);
  if (!match) throw new Error(`${where}: found no \`actions: [...]\` list`);
  const [whole, indent = '', body = ''] = match;
  const items = body.split(',').map((s) => s.trim()).filter(Boolean);
  let replacement: string;
  if (!body.includes('\n')) {
    replacement = `${indent}actions: [${[...items, exportName].join(', ')}]`;
  } else {
    // One action a line stays one action a line, with the list's own indentation.
    const itemIndent = /\n([ \t]*)\S/.exec(body)?.[1] ?? `${indent}  `;
    const closingIndent = /\n([ \t]*)$/.exec(body)?.[1] ?? indent;
    replacement = `${indent}actions: [\n${[...items, exportName].map((i) => `${itemIndent}${i},`).join('\n')}\n${closingIndent}]`;
  }
  return text.slice(0, match.index) + replacement + text.slice(match.index + whole.length);
}
