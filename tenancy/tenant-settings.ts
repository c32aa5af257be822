/**
 * A tenant's non-secret configuration, validated on every write through the admin API.
 * Secrets (passwords, tokens, signing secrets) never live here: they are sealed in
 * `tenant_secrets` and referenced by the names in {@link secretNames}.
 */
import { z } from 'zod';
import { rateLimitSettingsSchema } from '../ratelimit/limits';
import { routingRuleSchema } from '../triage/routing-rules';

/** Names under which a tenant's secrets are stored (encrypted) in `tenant_secrets`. */
export const secretNames = {
  serviceNowPassword: 'servicenow_password',
  serviceNowClientSecret: 'servicenow_client_secret',
  slackBotToken: 'slack_bot_token',
  slackSigningSecret: 'slack_signing_secret',
  /** The tenant's own Slack app's client secret (OAuth install), when kept sealed. */
  slackClientSecret: 'slack_client_secret',
  webhookSecret: 'servicenow_webhook_secret',
  githubAppPrivateKey: 'github_app_private_key',
  githubWebhookSecret: 'github_webhook_secret',
} as const;

/** Which stored secrets belong to which connector (deleted when it is disconnected). */
export const connectorSecretNames: Record<string, readonly SecretName[]> = {
  servicenow: [secretNames.serviceNowPassword, secretNames.serviceNowClientSecret, secretNames.webhookSecret],
  slack: [secretNames.slackBotToken, secretNames.slackSigningSecret, secretNames.slackClientSecret],
  github: [secretNames.githubAppPrivateKey, secretNames.githubWebhookSecret],
};
export type SecretName = (typeof secretNames)[keyof typeof secretNames];
export const secretNameSchema = z.enum(Object.values(secretNames) as [SecretName, ...SecretName[]]);

export const serviceNowSettingsSchema = z.object({
  /** e.g. https://acme.service-now.com — checked by the URL guard before every use. */
  instanceUrl: z.string().url(),
  auth: z.enum(['basic', 'oauth']).default('basic'),
  /** Integration user. Its user_name also marks our own writes, for echo suppression. */
  username: z.string().min(1),
  /** OAuth client id when auth is "oauth" (the client secret is a sealed secret). */
  clientId: z.string().min(1).optional(),
});

export const slackSettingsSchema = z.object({
  /** Web API base; GovSlack and the local simulator use another one. */
  apiBaseUrl: z.string().url().default('https://slack.com/api/'),
  /** Channel id where approval requests are posted. */
  channel: z.string().min(1),
  /** Workspace (team) id, checked against interactivity payloads. */
  teamId: z.string().min(1).optional(),
});

export const approvalSettingsSchema = z.object({
  /** Slack user ids allowed to decide. The workflow re-checks this at decision time. */
  approvers: z.array(z.string().min(1)).min(1),
  /** How long a request waits before it expires and writes nothing. */
  timeoutSeconds: z.number().int().min(30).max(30 * 24 * 3600).default(24 * 3600),
});

/**
 * The reconciliation Schedule (docs/reconciliation.md): on unless turned off here, and running
 * only while the tenant's ServiceNow connection is enabled.
 */
export const reconcileSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  /** Seconds between passes. */
  intervalSeconds: z.number().int().min(10).max(86_400).default(300),
  /** How far back a tenant's very first pass reads (later passes start at the watermark). */
  initialLookbackSeconds: z.number().int().min(60).max(30 * 86_400).default(86_400),
});
export type ReconcileSettings = z.infer<typeof reconcileSettingsSchema>;

/**
 * The most a tenant may configure for its inbound limit. The per-route-token bucket that runs
 * before authentication (api/webhooks/inbound-rate-limit.ts) is sized from these, so it never
 * refuses what a tenant's own bucket would admit.
 */
export const inboundLimitBounds = { requestsPerSecond: 1000, burst: 5000 } as const;

/**
 * Inbound webhook limits of this tenant, per connector, applied once a request's signature
 * verified (per API process). Either field left out keeps its default (200/s, burst 2,000).
 * Strict, so a misspelt field is refused rather than silently ignored.
 */
export const inboundSettingsSchema = z.strictObject({
  /** Sustained requests per second (the bucket's refill rate). */
  requestsPerSecond: z.number().min(0.1).max(inboundLimitBounds.requestsPerSecond).optional(),
  /** Requests accepted back to back after a quiet spell (the bucket's size). */
  burst: z.number().int().min(1).max(inboundLimitBounds.burst).optional(),
});
export type InboundSettings = z.infer<typeof inboundSettingsSchema>;

export const tenantSettingsSchema = z.object({
  servicenow: serviceNowSettingsSchema,
  slack: slackSettingsSchema,
  approvals: approvalSettingsSchema,
  routing: z.object({ rules: z.array(routingRuleSchema).default([]) }).default({ rules: [] }),
  /** Per connector overrides of the outbound rate limits (requests/s, burst, concurrency). */
  rateLimits: rateLimitSettingsSchema.optional(),
  reconcile: reconcileSettingsSchema.default({ enabled: true, intervalSeconds: 300, initialLookbackSeconds: 86_400 }),
  /** Inbound webhook limits (requests/s, burst) after authentication; defaults when absent. */
  inbound: inboundSettingsSchema.optional(),
});

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
export type TenantSettingsInput = z.input<typeof tenantSettingsSchema>;
