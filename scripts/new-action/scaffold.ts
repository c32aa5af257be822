/**
 * Adds an action to a connector: its file, its test, and its line in the connector's definition.
 * Everything is checked before anything is written, new files are created exclusively (never
 * overwritten), and the definition is rewritten last, so a refused request leaves no trace.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseScopes, recordIdFor, type ActionKind } from './choices';
import { readConnectorFacts } from './connector-facts';
import { actionNames, checkConnectorId } from './names';
import { ScaffoldRefusal } from './refusal';
import { withRegistryLine } from './registry-line';
import { actionFileText, testFileText } from './templates';

export interface ScaffoldRequest {
  /** The repository (or a copy of it) to add the action to. */
  root: string;
  connectorId: string;
  /** `<resource>.<verb>`. */
  name: string;
  kind: ActionKind;
}

export interface ScaffoldResult {
  actionId: string;
  exportName: string;
  /** Repository-relative paths. */
  actionPath: string;
  testPath: string;
  definitionPath: string;
  /** The connector's version now, and the one to bump to (minor: a new action). */
  version: { current: string; next: string };
  /** Things the author must change besides filling in the file (a write scope the connector lacks). */
  warnings: string[];
}

function bumpMinor(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${Number(m[2]) + 1}.0` : version;
}

export function scaffoldAction(request: ScaffoldRequest): ScaffoldResult {
  checkConnectorId(request.connectorId);
  const names = actionNames(request.connectorId, request.name);
  const facts = readConnectorFacts(request.root, request.connectorId);
  if (facts.actionIds.has(names.actionId)) {
    throw new ScaffoldRefusal(`${names.actionId} already exists in ${facts.dir}: action ids are never reused; choose another <resource>.<verb>`);
  }
  const actionPath = `${facts.dir}/actions/${names.kebab}.ts`;
  const testPath = `test/connectors/actions/${request.connectorId}-${names.kebab}.test.ts`;
  for (const path of [actionPath, testPath]) {
    if (existsSync(join(request.root, path))) throw new ScaffoldRefusal(`${path} already exists: nothing was written (the scaffold never overwrites a file)`);
  }
  if (new RegExp(`\\b${names.exportName}\\b`).test(facts.definitionText)) {
    throw new ScaffoldRefusal(`${facts.definitionPath} already uses the name ${names.exportName}: nothing was written`);
  }

  const { scopes, missingWrite } = chooseScopes(facts, request.kind);
  const template = { facts, names, kind: request.kind, scopes, recordId: recordIdFor(request.connectorId), actionPath };
  const definition = withRegistryLine(facts.definitionText, names.exportName, names.kebab, facts.definitionPath);
  const actionText = actionFileText(template);
  const testText = testFileText(template);

  for (const [path, text] of [[actionPath, actionText], [testPath, testText]] as const) {
    mkdirSync(dirname(join(request.root, path)), { recursive: true });
    writeFileSync(join(request.root, path), text, { flag: 'wx' });
  }
  writeFileSync(join(request.root, facts.definitionPath), definition);

  const warnings = missingWrite
    ? [`${request.connectorId} requests no write scope: add the one this write needs to the action's and the connector's \`scopes\`; the manifest check then says which permissionsRequested and riskLevel the connector needs`]
    : [];
  return {
    actionId: names.actionId, exportName: names.exportName, actionPath, testPath, definitionPath: facts.definitionPath,
    version: { current: facts.version, next: bumpMinor(facts.version) }, warnings,
  };
}
