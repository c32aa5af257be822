/**
 * What the scaffold needs to know about a connector, read from its source text rather than by
 * loading it: loading a definition opens its whole dependency graph (tenancy, database), and the
 * scaffold must also work on a checkout whose connector code does not compile yet.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaffoldRefusal } from './refusal';

/** A scope as action code names it: a string literal, or a key of the connector's scope constant. */
export type ScopeRef = { literal: string } | { constant: string; module: string; key: string };

export interface ConnectorFacts {
  connectorId: string;
  /** Repository-relative directory, `connectors/<id>`. */
  dir: string;
  definitionPath: string;
  definitionText: string;
  /** The definition's export (`serviceNowConnector`). */
  connectorExport: string;
  version: string;
  /** The connector's scopes, as its definition names them. */
  scopes: ScopeRef[];
  /** `defineServiceNowAction` from `../connection`, or the framework's `defineAction` when the connector has none. */
  define: { name: string; module: string };
  /** Every action id declared in the connector's code. */
  actionIds: Set<string>;
}

/** Connectors with a directory and a definition: the ones actions can be added to. */
export function connectorsWithDefinitions(root: string): string[] {
  return readdirSync(join(root, 'connectors'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, 'connectors', e.name, 'definition.ts')))
    .map((e) => e.name)
    .sort();
}

/** Relative imports of a file: local name → `{ imported name, module }`. */
function relativeImports(text: string): Map<string, { name: string; module: string }> {
  const found = new Map<string, { name: string; module: string }>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'\.\/([^']+)'/g)) {
    for (const spec of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, alias] = spec.replace(/^type\s+/, '').split(/\s+as\s+/);
      found.set((alias ?? name)!, { name: name!, module: m[2]! });
    }
  }
  return found;
}

function scopeRefs(definitionText: string, where: string): ScopeRef[] {
  const list = /^\s*scopes:\s*\[([^\]]*)\]/m.exec(definitionText);
  if (!list) throw new Error(`${where}: found no \`scopes: [...]\` list`);
  const imports = relativeImports(definitionText);
  return list[1]!.split(',').map((s) => s.trim()).filter(Boolean).map((item): ScopeRef => {
    const literal = /^'([^']*)'$/.exec(item);
    if (literal) return { literal: literal[1]! };
    const member = /^(\w+)\.(\w+)$/.exec(item);
    const source = member && imports.get(member[1]!);
    if (!member || !source) throw new Error(`${where}: cannot tell which scope \`${item}\` is`);
    return { constant: source.name, module: source.module, key: member[2]! };
  });
}

function actionIdsIn(root: string, dir: string): Set<string> {
  const ids = new Set<string>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(join(root, path), 'utf8').matchAll(/actionId:\s*['"]([^'"]+)['"]/g)) ids.add(m[1]!);
      }
    }
  };
  walk(dir);
  return ids;
}

/** The facts of `connectors/<connectorId>/`, or a refusal naming the connectors there are. */
export function readConnectorFacts(root: string, connectorId: string): ConnectorFacts {
  const dir = `connectors/${connectorId}`;
  const definitionPath = `${dir}/definition.ts`;
  if (!existsSync(join(root, definitionPath))) {
    throw new ScaffoldRefusal(`unknown connector "${connectorId}": there is no ${definitionPath} (connectors with a definition: ${connectorsWithDefinitions(root).join(', ')})`);
  }
  const definitionText = readFileSync(join(root, definitionPath), 'utf8');
  const declaredId = /connectorId:\s*'([^']+)'/.exec(definitionText)?.[1];
  if (declaredId !== connectorId) throw new ScaffoldRefusal(`${definitionPath} declares connector "${declaredId ?? '?'}", not "${connectorId}"`);
  const connectorExport = /export const (\w+)\s*=\s*defineConnector\(/.exec(definitionText)?.[1];
  const version = /^\s*version:\s*'([^']+)'/m.exec(definitionText)?.[1];
  if (!connectorExport || !version) throw new Error(`${definitionPath}: expected \`export const <name> = defineConnector({ ... version: '<semver>' ... })\``);

  const connectionPath = join(root, dir, 'connection.ts');
  const connectionDefine = existsSync(connectionPath)
    ? /export const (\w+)\s*=\s*actionsFor</.exec(readFileSync(connectionPath, 'utf8'))?.[1]
    : undefined;
  return {
    connectorId, dir, definitionPath, definitionText, connectorExport, version,
    scopes: scopeRefs(definitionText, definitionPath),
    define: connectionDefine ? { name: connectionDefine, module: '../connection' } : { name: 'defineAction', module: '../../framework/define-connector' },
    actionIds: actionIdsIn(root, dir),
  };
}
