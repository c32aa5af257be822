/**
 * What a developer writes to declare a connector. One file per connector calls
 * {@link defineConnector} (see `connectors/servicenow/definition.ts` for a complete example); the
 * manifest generator turns it into the signed JSON the runtime trusts.
 *
 * Adding an action: `npm run new:action -- <connectorId> <resource>.<verb> [--write]` writes its
 * file under `connectors/<id>/actions/`, its test and its line in `actions`; the checklist that
 * follows (version bump, regenerating and signing the manifest) is in docs/connector-manifests.md.
 */
import type { z } from 'zod';
import type { TenantContext, TenantDeps } from '../../tenancy/tenant-context';
import type { ActionContext, InstallationFacts, WriteBatch, WritePreview, WriteReceipt } from './action-contract';
import type {
  ActionEffect, ApprovalGate, AuthType, ConnectorCategory, ConnectorPermission, ConnectorStatus, Idempotency, RiskLevel,
} from './vocabulary';

/** How a write is undone, or corrected when it cannot be undone. */
export interface ActionReversal {
  /** True when the effect can be fully undone (a field restored, a draft deleted). */
  reversible: boolean;
  /**
   * An action of this connector that undoes the effect (when reversible) or corrects it (when
   * not). It may be the action itself, run again with the prior values Gatehouse recorded.
   */
  compensatingActionId?: string;
  /**
   * How the effect is undone or corrected, in steps an operator can follow. Required when no
   * `compensatingActionId` is named; recommended always.
   */
  procedure?: string;
}

/** Fields every action declares, read or write. */
interface ActionDefinitionBase<I extends z.ZodType, O extends z.ZodType> {
  /**
   * Stable id, `<connectorId>.<resource>.<verb>` (lowercase, dots and underscores). Policies,
   * approvals and audit records refer to it: never rename a released action, add a new one.
   */
  actionId: string;
  /** Short display name shown to approvers and tenant admins. */
  name: string;
  /** What the action does at the provider, and what it never does. */
  description: string;
  /** Zod schema of the action's input; the manifest carries its JSON Schema (input form). */
  input: I;
  /** Zod schema of the action's result; the manifest carries its JSON Schema (output form). */
  output: O;
  /**
   * The approval gate, from the marketplace permission model. Write actions can never be
   * `read_only`; actions that move money must be `blocked_by_default`.
   */
  approvalGate: ApprovalGate;
  /** Whether every use is written to the audit trail. Write actions must say `true`. */
  auditRequired: boolean;
  /**
   * Provider scopes (OAuth scopes, app permissions, table ACLs) this action needs. Each must be
   * in the connector's `scopes`, and every connector scope must be needed by some action.
   */
  scopes: readonly string[];
  /** Whether retries are safe by nature or need deduplication; see `idempotencyKinds`. Writes cannot say `not_applicable`. */
  idempotency: Idempotency;
  /**
   * The action's own risk, which picks the approver tier in the tenant's policy (`low`,
   * `medium`, `high`), or `blocked_by_default` exactly when the gate is `blocked_by_default`.
   * The connector's `riskLevel` must be at least this.
   */
  riskLevel: RiskLevel;
  /**
   * Side effects the policy engine treats specially (writes only): `moves_money` and
   * `deletes_customer_data` require the `blocked_by_default` gate; `sends_external_message` and
   * `publishes_public_content` require at least `external_write`. Omit when none apply.
   */
  effects?: readonly ActionEffect[];
}

/** An action that only reads from the provider. */
export interface ReadActionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown>
  extends ActionDefinitionBase<I, O> {
  kind: 'read';
  /**
   * Performs the read with the tenant's connection. The input was validated against `input`; what
   * it returns is validated against `output`. Required for `available` connectors.
   */
  run?(ctx: ActionContext<C>, input: z.output<I>): Promise<z.input<O>>;
  /**
   * A real input for one installation's smoke test, derived from its configuration (its
   * repository, its instance), or undefined when the installation names nothing to read. The
   * smoke test never uses `sampleInput`, which only documents the shape.
   */
  smokeInput?(facts: InstallationFacts): z.input<I> | undefined;
  /**
   * A harmless input the smoke-test API may send to a freshly installed connector. It must
   * parse with `input`. Only reads carry one, so a smoke test can never write.
   */
  sampleInput: z.input<I>;
  reversal?: never;
}

/** An action that changes something at the provider. */
export interface WriteActionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown>
  extends ActionDefinitionBase<I, O> {
  kind: 'write';
  /**
   * Reads what the write would change (never writes): the record, and each field with the value
   * it replaces. The approver sees exactly this; `apply` writes only what it still matches.
   */
  preview?(ctx: ActionContext<C>, input: z.output<I>): Promise<WritePreview>;
  /**
   * Makes the approved write, idempotently: with the same `ctx.idempotencyKey`, a retry after a
   * lost response changes nothing twice. A field no longer holding the value the approver saw is
   * left alone (`skipped_stale`). The prior value of every field goes in the receipt, so the
   * runtime can record it for a revert. Required for `available` connectors unless `batch` is set.
   */
  apply?(ctx: ActionContext<C>, input: z.output<I>, approved: WritePreview): Promise<WriteReceipt<z.input<O>>>;
  /**
   * For a reversible write: the input that puts back `priorValues` (field → the value before the
   * write, from the write log) on the record `subjectId`. Reverts of a run use it.
   */
  revertInput?(subjectId: string, priorValues: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): z.input<I>;
  /** Writes the provider can make together (one ServiceNow PATCH per record); used instead of `apply` when set. */
  batch?: WriteBatch<C>;
  /** How the write is undone or corrected. */
  reversal: ActionReversal;
  /** Writes have no sample input: a smoke test must never change anything. */
  sampleInput?: never;
}

/** One action of a connector. */
export type ActionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown> =
  | ReadActionDefinition<I, O, C>
  | WriteActionDefinition<I, O, C>;

/** Where a connector opens its connection: the tenant, and the process's dependencies (secrets, limiter). */
export interface ConnectorEnvironment {
  deps: TenantDeps;
  tenant: TenantContext;
}

/** How to tell that an installed connector works. */
export interface HealthcheckDefinition {
  /** A read action (gate `read_only`, with a sample input) to run as the healthcheck, if there is one. */
  actionId?: string;
  /** What the healthcheck does, and what a failure means. */
  description: string;
}

/** What happens when a tenant disconnects the connector. */
export interface DisconnectPolicy {
  /** Whether Gatehouse revokes the token or app installation at the provider (when the provider allows it). */
  revokeAtProvider: boolean;
  /** Stored credentials are always deleted on disconnect. */
  deleteCredentials: true;
  /** Whether data cached from the provider is deleted on disconnect. */
  deleteCachedData: boolean;
  /** The disconnect steps in words, including what the tenant admin must do at the provider. */
  description: string;
}

/** How data synced from or about the provider is kept. */
export interface DataRetentionPolicy {
  /** The kinds of data Gatehouse keeps (say "none" explicitly with an empty list). */
  retainedData: readonly string[];
  /** Days data is kept; `null` when it is kept until the tenant is deleted. */
  retentionDays: number | null;
  /** The policy in words: why it is kept and how it is deleted. */
  description: string;
}

/** A connector, as its developer declares it. */
export interface ConnectorDefinition {
  /** Stable id, lowercase letters, digits and underscores; the manifest is `manifests/<connectorId>.json`. */
  connectorId: string;
  /** Display name. */
  name: string;
  /** What the connector does for a tenant, in one or two sentences. */
  description: string;
  /** Marketplace category. */
  category: ConnectorCategory;
  /** Semantic version (MAJOR.MINOR.PATCH); bump it whenever actions or their schemas change. */
  version: string;
  /** `available` connectors can be installed; `planned` ones are only listed. */
  status: ConnectorStatus;
  /** The primary way Gatehouse authenticates to the provider. */
  authType: AuthType;
  /** Other supported ways to authenticate (ServiceNow: OAuth besides basic). */
  additionalAuthTypes?: readonly AuthType[];
  /** Marketplace permissions the tenant admin grants; must be exactly what the actions need. */
  permissionsRequested: readonly ConnectorPermission[];
  /** Overall risk; at least the risk of the riskiest action. */
  riskLevel: RiskLevel;
  /** Provider scopes requested at install: exactly the union of the actions' scopes. */
  scopes: readonly string[];
  /** The actions, each with its own schemas, gate and scopes (one file each under `connectors/<id>/actions/`). */
  actions: readonly ActionDefinition[];
  /**
   * Opens the tenant's connection (the client every action of this connector is handed as
   * `ctx.connection`). Required for `available` connectors.
   */
  connect?(env: ConnectorEnvironment): Promise<unknown>;
  /** How to check an installation works. */
  healthcheck: HealthcheckDefinition;
  /** How credentials and cached data are removed on disconnect. */
  disconnectPolicy: DisconnectPolicy;
  /**
   * Revokes the tenant's access at the provider on disconnect (a token, an installation's
   * tokens), before Gatehouse deletes the credentials it needs for that. Resolves to what was
   * revoked, in words for the audit record; throws when the provider could not be told (the
   * disconnect retries). Present exactly when `disconnectPolicy.revokeAtProvider` is true.
   */
  revoke?(env: ConnectorEnvironment): Promise<string>;
  /** How synced data is retained or deleted. */
  dataRetentionPolicy: DataRetentionPolicy;
  /**
   * The connector's code, as paths relative to the repository root. Their SHA-256 digests are
   * signed with the manifest; the runtime refuses the connector when any of them changes.
   */
  implementationFiles: readonly string[];
}
