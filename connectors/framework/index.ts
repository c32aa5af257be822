/**
 * The connector framework's public API: declare connectors, generate and validate manifests,
 * sign them, and load the registry that refuses unknown or untrusted connector artifacts.
 */
export { actionsFor, defineAction, defineConnector } from './define-connector';
export type {
  ActionContext, ApprovalSubject, ApprovedWrite, FieldChange, FieldOutcome, FieldWriteResult, InstallationFacts, WriteBatch, WritePreview, WriteReceipt,
} from './action-contract';
export type {
  ActionDefinition, ActionReversal, ConnectorDefinition, ConnectorEnvironment, DataRetentionPolicy, DisconnectPolicy,
  HealthcheckDefinition, ReadActionDefinition, WriteActionDefinition,
} from './types';
export * from './vocabulary';
export { buildManifest, serializeManifest, jsonSchemaOf } from './manifest';
export { manifestSchema, manifestActionSchema, type ConnectorManifest, type ManifestAction } from './manifest-schema';
export { validateManifest, inspectManifest, type ManifestValidation } from './validate-manifest';
export { validateDefinition } from './validate-definition';
export type { ManifestProblem } from './problem';
export { signManifest, verifyManifestSignature, signatureFileSchema, type ManifestSignature } from './signing';
export {
  loadTrustStore, parseTrustStore, trustDevelopmentKeysFromEnv, TrustStoreError,
  type TrustStore, type TrustedKey, type KeyPurpose,
} from './trust-store';
export {
  loadConnectorRegistry, defaultRegistryOptions,
  type ConnectorRegistry, type RegisteredConnector, type RegistryOptions,
} from './registry';
export { ConnectorRefusedError, refusalReasons, type ConnectorRefusal, type RefusalReason } from './errors';
export { connectorDefinitions } from './catalog';
