/**
 * Checks only the definition can answer (the manifest holds JSON, not zod schemas): sample
 * inputs parse with their own input schema, every schema can be expressed as JSON Schema, and an
 * available connector implements what it declares (a connection, every read's `run`, every
 * write's `preview` and `apply` or `batch`) — a manifest never promises an action that cannot run.
 * Everything else is checked on the generated manifest by `validateManifest`.
 */
import { jsonSchemaOf } from './manifest';
import type { ManifestProblem } from './problem';
import type { ConnectorDefinition } from './types';

/** Problems with a definition that its manifest cannot show (empty when none). */
export function validateDefinition(definition: ConnectorDefinition): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const available = definition.status === 'available';
  if (available && !definition.connect) problems.push({ path: 'connect', message: `available connector "${definition.connectorId}" declares no connect()` });
  definition.actions.forEach((action, i) => {
    const path = `actions[${i}]`;
    if (available && action.kind === 'read' && !action.run) problems.push({ path: `${path}.run`, message: `read action "${action.actionId}" has no implementation (run)` });
    if (available && action.kind === 'write' && (!action.preview || (!action.apply && !action.batch))) {
      problems.push({ path: `${path}.apply`, message: `write action "${action.actionId}" needs preview and apply (or batch)` });
    }
    for (const [field, schema, io] of [['input', action.input, 'input'], ['output', action.output, 'output']] as const) {
      try {
        jsonSchemaOf(schema, io);
      } catch (err) {
        problems.push({ path: `${path}.${field}`, message: `schema of "${action.actionId}" cannot be expressed as JSON Schema: ${(err as Error).message}` });
      }
    }
    if (action.kind === 'read') {
      const parsed = action.input.safeParse(action.sampleInput);
      if (!parsed.success) {
        const why = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
        problems.push({ path: `${path}.sampleInput`, message: `sample input of "${action.actionId}" does not match its input schema: ${why}` });
      }
    }
  });
  return problems;
}
