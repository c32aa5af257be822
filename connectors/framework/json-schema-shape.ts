/**
 * A structural check of JSON Schema (draft 2020-12) documents: keywords have the types the
 * specification requires, patterns compile and local `$ref`s resolve. Not a full meta-schema
 * validation (the project has no JSON Schema validator dependency), but enough to catch a
 * hand-edited or corrupted schema in a manifest.
 */
import { joinPath, type ManifestProblem } from './problem';

const jsonTypes = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const schemaKeywords = [
  'items', 'additionalProperties', 'not', 'propertyNames', 'contains', 'if', 'then', 'else',
  'unevaluatedProperties', 'unevaluatedItems', 'additionalItems', 'contentSchema',
] as const;
const schemaMapKeywords = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const schemaArrayKeywords = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const stringKeywords = ['$schema', '$id', '$ref', '$anchor', '$comment', 'title', 'description', 'format', 'contentEncoding', 'contentMediaType'] as const;
const numberKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const;
const countKeywords = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local JSON pointer (`#/$defs/x`) from the root. */
function resolvesLocally(root: Record<string, unknown>, ref: string): boolean {
  if (ref === '#') return true;
  if (!ref.startsWith('#/')) return true; // remote and anchor refs are not resolvable offline: not judged here
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

function checkNode(node: unknown, path: string, root: Record<string, unknown>, problems: ManifestProblem[]): void {
  if (typeof node === 'boolean') return;
  if (!isRecord(node)) {
    problems.push({ path, message: 'a JSON Schema must be an object or a boolean' });
    return;
  }
  const type = node['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (types.length === 0 || !types.every((t) => typeof t === 'string' && jsonTypes.has(t))) {
      problems.push({ path: joinPath(path, 'type'), message: `"type" must be one of ${[...jsonTypes].join(', ')} (or a non-empty list of them)` });
    }
  }
  for (const key of schemaKeywords) if (key in node) checkNode(node[key], joinPath(path, key), root, problems);
  for (const key of schemaMapKeywords) {
    if (!(key in node)) continue;
    const map = node[key];
    if (!isRecord(map)) problems.push({ path: joinPath(path, key), message: `"${key}" must be an object of schemas` });
    else for (const [name, child] of Object.entries(map)) checkNode(child, joinPath(joinPath(path, key), name), root, problems);
  }
  for (const key of schemaArrayKeywords) {
    if (!(key in node)) continue;
    const list = node[key];
    if (!Array.isArray(list) || list.length === 0) problems.push({ path: joinPath(path, key), message: `"${key}" must be a non-empty array of schemas` });
    else list.forEach((child, i) => checkNode(child, joinPath(joinPath(path, key), i), root, problems));
  }
  for (const key of stringKeywords) {
    if (key in node && typeof node[key] !== 'string') problems.push({ path: joinPath(path, key), message: `"${key}" must be a string` });
  }
  for (const key of numberKeywords) {
    if (key in node && (typeof node[key] !== 'number' || !Number.isFinite(node[key]))) problems.push({ path: joinPath(path, key), message: `"${key}" must be a number` });
  }
  for (const key of countKeywords) {
    const value = node[key];
    if (key in node && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
      problems.push({ path: joinPath(path, key), message: `"${key}" must be a non-negative integer` });
    }
  }
  const required = node['required'];
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === 'string') && new Set(required).size === required.length)) {
    problems.push({ path: joinPath(path, 'required'), message: '"required" must be an array of distinct property names' });
  }
  if ('enum' in node && !Array.isArray(node['enum'])) problems.push({ path: joinPath(path, 'enum'), message: '"enum" must be an array' });
  const pattern = node['pattern'];
  if (pattern !== undefined) {
    if (typeof pattern !== 'string') problems.push({ path: joinPath(path, 'pattern'), message: '"pattern" must be a string' });
    else {
      try {
        new RegExp(pattern, 'u');
      } catch {
        problems.push({ path: joinPath(path, 'pattern'), message: `"pattern" is not a valid regular expression: ${pattern}` });
      }
    }
  }
  const ref = node['$ref'];
  if (typeof ref === 'string' && !resolvesLocally(root, ref)) {
    problems.push({ path: joinPath(path, '$ref'), message: `"$ref" ${ref} does not resolve inside this schema` });
  }
}

/** Problems with a JSON Schema document found at `path` in a manifest (empty when it looks valid). */
export function checkJsonSchemaShape(schema: unknown, path: string): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  if (!isRecord(schema)) return [{ path, message: 'a JSON Schema document must be an object' }];
  checkNode(schema, path, schema, problems);
  return problems;
}
