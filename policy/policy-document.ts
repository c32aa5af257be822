/**
 * A tenant's policy document: who may approve what, how many must agree, how long a request
 * waits, reminders and escalation, per-action overrides, owner approvals for actions that are
 * blocked by default, shadow mode, and how the self-approval check treats approvers it cannot
 * identify. Versioned (`schemaVersion`) and stored as revisions.
 */
import { z } from 'zod';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id (U… or W…)');

export const approverGroupSchema = z.object({
  /** Slack user ids of the group's members. */
  members: z.array(slackUserId).min(1),
});

const seconds = z.number().int().min(30).max(30 * 24 * 3600);

export const tierRuleSchema = z.object({
  /** Approver group that decides actions of this risk tier. */
  group: z.string().min(1),
  /** Distinct approvals needed (one deny from an allowed approver ends the request). */
  quorum: z.number().int().min(1).max(10).default(1),
  timeoutSeconds: seconds.default(24 * 3600),
  /** Remind the group in the request's thread when nobody has answered after this long. */
  reminderAfterSeconds: seconds.optional(),
  /** Widen the request to a second group when nobody has answered after this long. */
  escalation: z.object({ afterSeconds: seconds, group: z.string().min(1) }).optional(),
});

/** An owner's explicit, reviewed approval to enable something blocked by default. */
export const ownerApprovalSchema = z.object({
  approvedBy: z.string().min(1),
  approvedAt: z.string().datetime(),
  /** Reference to the safety review (ticket, document) that backs the decision. */
  safetyReview: z.string().min(3),
});

export const actionOverrideSchema = z.object({
  mode: z.enum(['allow', 'require_approval', 'block']),
  /** Required to allow an action whose gate is blocked_by_default or that moves money / deletes customer data / messages outsiders without approval. */
  ownerApproval: ownerApprovalSchema.optional(),
});

/**
 * What to do with an approver whose identity the self-approval check cannot verify (Slack gives
 * no e-mail address for them: none in the profile, unknown user, the app lacks users:read.email).
 * `exclude` (the default) takes them off the request with the reason; `flag` keeps them
 * eligible but the request shows the warning, for workspaces that hide e-mail addresses.
 */
export const unverifiedApproverModes = ['exclude', 'flag'] as const;
export type UnverifiedApproverMode = (typeof unverifiedApproverModes)[number];

export const identityCheckSchema = z.object({
  unverifiedApprovers: z.enum(unverifiedApproverModes).default('exclude'),
});

/**
 * Where a tenant's app registrations may keep their client secrets: sealed in Gatehouse's
 * database, only as a reference to the operator's own store (environment variable or file), or
 * either way (the default).
 */
export const clientSecretStorageModes = ['either', 'sealed', 'reference'] as const;
export type ClientSecretStorage = (typeof clientSecretStorageModes)[number];

export const credentialsPolicySchema = z.object({
  clientSecretStorage: z.enum(clientSecretStorageModes).default('either'),
});

export const riskTiers = ['low', 'medium', 'high'] as const;
export type RiskTier = (typeof riskTiers)[number];

export const policyDocumentSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    approverGroups: z.record(z.string().min(1), approverGroupSchema),
    tiers: z.object({ low: tierRuleSchema, medium: tierRuleSchema, high: tierRuleSchema }),
    /** Per action id overrides. */
    actions: z.record(z.string().min(1), actionOverrideSchema).default({}),
    /** Connector ids in shadow mode: the flow runs, external writes are recorded, not executed. */
    shadowConnectors: z.array(z.string().min(1)).default([]),
    /** The self-approval check's handling of approvers it cannot identify (documents stored before it existed get the default). */
    identityCheck: identityCheckSchema.default({ unverifiedApprovers: 'exclude' }),
    /** How app registrations keep client secrets (documents stored before it existed get the default). */
    credentials: credentialsPolicySchema.default({ clientSecretStorage: 'either' }),
  })
  .superRefine((doc, ctx) => {
    for (const tier of riskTiers) {
      const rule = doc.tiers[tier];
      for (const group of [rule.group, rule.escalation?.group].filter((g): g is string => g !== undefined)) {
        if (!doc.approverGroups[group]) ctx.addIssue({ code: 'custom', path: ['tiers', tier], message: `unknown approver group "${group}"` });
      }
      if (rule.quorum > (doc.approverGroups[rule.group]?.members.length ?? 0)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', tier, 'quorum'], message: `quorum ${rule.quorum} is larger than group "${rule.group}"` });
      }
    }
  });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>;
export type TierRule = z.infer<typeof tierRuleSchema>;

/** The policy a tenant has before writing its own: one group (the tenant's approvers) decides everything. */
export function defaultPolicy(approvers: readonly string[], timeoutSeconds: number): PolicyDocument {
  const tier = { group: 'approvers', quorum: 1, timeoutSeconds };
  return policyDocumentSchema.parse({
    approverGroups: { approvers: { members: [...approvers] } },
    tiers: { low: tier, medium: tier, high: tier },
  });
}
