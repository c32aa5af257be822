/**
 * Definition → manifest. The JSON Schemas come from the actions' zod schemas, so the code that
 * validates inputs at runtime and the contract that is signed cannot disagree.
 */
import { z } from 'zod';
import { computeImplementationDigest } from './implementation-digest';
import { generatedNotice, manifestFormatVersion, type ConnectorManifest, type ManifestAction } from './manifest-schema';
import type { ActionDefinition, ConnectorDefinition } from './types';

/** Round-trips through JSON text, so the object equals what a reader of the file will parse (no `undefined`, no class instances). */
export function toPlainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The JSON Schema of a zod schema; `io` picks the accepted (input) or produced (output) form. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  // Unrepresentable types (transforms to non-JSON, functions, …) throw here: a contract the
  // manifest cannot state is not one the runtime can be held to.
  return toPlainJson(z.toJSONSchema(schema, { io, target: 'draft-2020-12' })) as Record<string, unknown>;
}

function manifestAction(action: ActionDefinition): ManifestAction {
  return {
    actionId: action.actionId,
    name: action.name,
    description: action.description,
    kind: action.kind,
    inputSchema: jsonSchemaOf(action.input, 'input'),
    outputSchema: jsonSchemaOf(action.output, 'output'),
    approvalGate: action.approvalGate,
    auditRequired: action.auditRequired,
    scopes: [...action.scopes],
    idempotency: action.idempotency,
    riskLevel: action.riskLevel,
    effects: [...(action.effects ?? [])],
    reversal: action.kind === 'write'
      ? {
          reversible: action.reversal.reversible,
          compensatingActionId: action.reversal.compensatingActionId ?? null,
          procedure: action.reversal.procedure ?? null,
        }
      : null,
    sampleInput: action.kind === 'read' ? toPlainJson(action.sampleInput as z.core.util.JSONType) : null,
  };
}

/**
 * Builds the manifest of a definition, hashing its implementation files under `repoRoot` as they
 * are now. Throws when a schema cannot be expressed as JSON Schema or a file cannot be read.
 */
export async function buildManifest(definition: ConnectorDefinition, repoRoot: string): Promise<ConnectorManifest> {
  const implementation = await computeImplementationDigest(repoRoot, definition.implementationFiles);
  // Key order here is the order in the file (`$generated` first); the signature does not depend on it.
  return toPlainJson({
    $generated: generatedNotice,
    manifestFormat: manifestFormatVersion,
    connectorId: definition.connectorId,
    name: definition.name,
    description: definition.description,
    category: definition.category,
    version: definition.version,
    status: definition.status,
    authType: definition.authType,
    additionalAuthTypes: [...(definition.additionalAuthTypes ?? [])],
    permissionsRequested: [...definition.permissionsRequested],
    riskLevel: definition.riskLevel,
    scopes: [...definition.scopes],
    actions: definition.actions.map(manifestAction),
    healthcheck: { actionId: definition.healthcheck.actionId ?? null, description: definition.healthcheck.description },
    disconnectPolicy: { ...definition.disconnectPolicy },
    dataRetentionPolicy: { ...definition.dataRetentionPolicy, retainedData: [...definition.dataRetentionPolicy.retainedData] },
    implementation,
  } satisfies ConnectorManifest);
}

/** The file text of a manifest: two-space JSON with a final newline, stable for review diffs. */
export function serializeManifest(manifest: ConnectorManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
