/**
 * The closed vocabularies of a connector manifest, as runtime tuples so the zod manifest schema
 * and the TypeScript types come from the same list. Names follow the marketplace foundation
 * (categories, permission model, approval gates); `itsm` and `basic` are Gatehouse additions for
 * ServiceNow.
 */
import type { ActionEffect } from '../../policy/evaluate-policy';
import type { ApprovalGate } from '../../policy/verdict';

/** Marketplace categories, plus `itsm` for IT service management systems such as ServiceNow. */
export const connectorCategories = [
  'communication', 'crm_sales', 'storage_files', 'development', 'payments_billing',
  'marketing_distribution', 'model_compute', 'automation_webhooks', 'itsm',
] as const;
/** A marketplace category. */
export type ConnectorCategory = (typeof connectorCategories)[number];

/** How Gatehouse authenticates to the provider; `basic` is ServiceNow's integration user. */
export const authTypes = ['oauth', 'api_key', 'service_account', 'webhook_secret', 'local', 'basic'] as const;
/** How Gatehouse authenticates to the provider. */
export type AuthType = (typeof authTypes)[number];

/** The marketplace permission model: what a tenant admin grants when installing a connector. */
export const connectorPermissions = [
  'connector_read', 'connector_write_draft', 'connector_external_write',
  'connector_financial_action', 'connector_secret_management',
] as const;
/** A marketplace permission. */
export type ConnectorPermission = (typeof connectorPermissions)[number];

/** Risk levels, least to most dangerous (the order matters: see `riskRank`). */
export const riskLevels = ['low', 'medium', 'high', 'blocked_by_default'] as const;
/** A connector's overall risk level. */
export type RiskLevel = (typeof riskLevels)[number];

/** Approval gates, least to most guarded; the same list as the policy engine's {@link ApprovalGate}. */
export const approvalGates = [
  'read_only', 'artifact_generation', 'workspace_write', 'external_write', 'blocked_by_default',
] as const satisfies readonly ApprovalGate[];
export type { ApprovalGate };

/**
 * Side effects the policy engine treats specially (the marketplace's blocked connector actions):
 * moving money and deleting customer data are blocked by default, messaging outsiders and
 * publishing public content always need an approval. Same list as the engine's `ActionEffect`.
 */
export const actionEffects = [
  'moves_money', 'deletes_customer_data', 'sends_external_message', 'publishes_public_content',
] as const satisfies readonly ActionEffect[];
export type { ActionEffect };

/** Whether an action only reads from the provider or changes something there. */
export const actionKinds = ['read', 'write'] as const;
/** Whether an action only reads from the provider or changes something there. */
export type ActionKind = (typeof actionKinds)[number];

/**
 * - `required`: the operation is not idempotent at the provider; the runtime must deduplicate
 *   (idempotency key, marker, recorded result) before retrying it.
 * - `natural`: repeating it has no further effect (set a field to a value, replace a message).
 * - `not_applicable`: nothing changes, so there is nothing to deduplicate (reads).
 */
export const idempotencyKinds = ['required', 'natural', 'not_applicable'] as const;
/** See {@link idempotencyKinds}. */
export type Idempotency = (typeof idempotencyKinds)[number];

/** `available` connectors can be installed; `planned` ones are listed in the marketplace only. */
export const connectorStatuses = ['available', 'planned'] as const;
/** See {@link connectorStatuses}. */
export type ConnectorStatus = (typeof connectorStatuses)[number];

// Compile-time guards: the tuples above must list every gate and effect the policy engine knows.
type MissingGates = Exclude<ApprovalGate, (typeof approvalGates)[number]>;
type MissingEffects = Exclude<ActionEffect, (typeof actionEffects)[number]>;
const everyGateListed: MissingGates extends never ? true : never = true;
const everyEffectListed: MissingEffects extends never ? true : never = true;
void everyGateListed;
void everyEffectListed;
