/**
 * The zod schema of a manifest file: the marketplace `connectorManifestShape` plus Gatehouse's
 * additions (status, scopes, per-action facts, the implementation digest). Strict objects: a
 * misspelt or unknown field is an error, not something silently signed.
 */
import { z } from 'zod';
import {
  actionEffects, actionKinds, approvalGates, authTypes, connectorCategories, connectorPermissions, connectorStatuses,
  idempotencyKinds, riskLevels,
} from './vocabulary';

/** The format of the manifest file itself; bumped only when the shape changes incompatibly. */
export const manifestFormatVersion = 1;

/** The notice on top of every generated manifest. */
export const generatedNotice = 'by npx tsx scripts/manifests.ts generate — do not edit';

/** Semantic Versioning 2.0.0 (the official regular expression). */
export const semverPattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Connector ids double as file names, so they are kept to a safe alphabet. */
export const connectorIdPattern = /^[a-z][a-z0-9_]{1,62}$/;
/** `<connectorId>.<resource>.<verb>`; the prefix is checked by the validator. */
export const actionIdPattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** Repository-relative, `/`-separated, no `..` segments, no absolute paths. */
const relativePathPattern = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\-/]+$/;

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const jsonSchemaObject = z.record(z.string(), z.unknown());

/** A manifest's action. */
export const manifestActionSchema = z.strictObject({
  actionId: z.string().regex(actionIdPattern, 'must look like <connectorId>.<resource>.<verb> (lowercase, dots, underscores)'),
  name: nonEmpty,
  description: nonEmpty,
  kind: z.enum(actionKinds),
  inputSchema: jsonSchemaObject,
  outputSchema: jsonSchemaObject,
  approvalGate: z.enum(approvalGates),
  auditRequired: z.boolean(),
  scopes: z.array(nonEmpty),
  idempotency: z.enum(idempotencyKinds),
  riskLevel: z.enum(riskLevels),
  effects: z.array(z.enum(actionEffects)),
  /** How a write is undone or corrected; `null` for reads. */
  reversal: z.strictObject({
    reversible: z.boolean(),
    compensatingActionId: z.string().nullable(),
    procedure: z.string().nullable(),
  }).nullable(),
  /** A harmless input for smoke tests; reads only (`null` for writes). */
  sampleInput: z.json().nullable(),
});

/** The whole manifest file. */
export const manifestSchema = z.strictObject({
  $generated: z.literal(generatedNotice),
  manifestFormat: z.literal(manifestFormatVersion),
  connectorId: z.string().regex(connectorIdPattern, 'must be lowercase letters, digits and underscores (2-63 characters)'),
  name: nonEmpty,
  description: nonEmpty,
  category: z.enum(connectorCategories),
  version: z.string().regex(semverPattern, 'must be a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)'),
  status: z.enum(connectorStatuses),
  authType: z.enum(authTypes),
  additionalAuthTypes: z.array(z.enum(authTypes)),
  permissionsRequested: z.array(z.enum(connectorPermissions)),
  riskLevel: z.enum(riskLevels),
  scopes: z.array(nonEmpty),
  actions: z.array(manifestActionSchema).min(1, 'a connector needs at least one action'),
  healthcheck: z.strictObject({ actionId: z.string().nullable(), description: nonEmpty }),
  disconnectPolicy: z.strictObject({
    revokeAtProvider: z.boolean(),
    deleteCredentials: z.boolean(),
    deleteCachedData: z.boolean(),
    description: nonEmpty,
  }),
  dataRetentionPolicy: z.strictObject({
    retainedData: z.array(nonEmpty),
    retentionDays: z.number().int().positive().nullable(),
    description: nonEmpty,
  }),
  implementation: z.strictObject({
    files: z.array(z.strictObject({
      path: z.string().regex(relativePathPattern, 'must be a relative path inside the repository'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
    })).min(1, 'a connector must list at least one implementation file'),
    digest: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
  }),
});

/** A parsed manifest. */
export type ConnectorManifest = z.infer<typeof manifestSchema>;
/** One action of a parsed manifest. */
export type ManifestAction = z.infer<typeof manifestActionSchema>;
