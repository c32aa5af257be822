/**
 * The policy form's model: the policy document as a person fills it in (text as typed, times as
 * an amount and a unit, members one per line, overrides as rows), and the two conversions between
 * that draft and the document the server validates. Pure (no DOM), so it is unit tested.
 *
 * The form checks only what it alone can see (a group without a name, two groups with one name, a
 * time or quorum that is not a number); everything else is the server's schema
 * (policy/policy-document.ts), whose 422 names the field by its path. Types come from that schema
 * by `import type`, so nothing of it is bundled and nothing is modelled twice: a mode added there
 * fails the typecheck of the tables here until it is explained.
 */
import type { ClientSecretStorage, PolicyDocumentInput, RiskTier, UnverifiedApproverMode } from '../../policy/policy-document';

export type ActionMode = NonNullable<PolicyDocumentInput['actions']>[string]['mode'];
type TierInput = PolicyDocumentInput['tiers'][RiskTier];

export const tierNames = ['low', 'medium', 'high'] as const satisfies readonly RiskTier[];

/** Seconds in one of each unit a time can be entered in. */
export const timeUnits = { seconds: 1, minutes: 60, hours: 3600 } as const;
export type TimeUnit = keyof typeof timeUnits;

/** A time as typed: the amount stays text so an empty or wrong entry can be told apart from 0. */
export interface Duration { amount: string; unit: TimeUnit }
export interface GroupDraft { name: string; members: string }
export interface TierDraft {
  group: string;
  quorum: string;
  timeout: Duration;
  reminder: Duration;
  escalationAfter: Duration;
  escalationGroup: string;
}
export interface OwnerApprovalDraft { approvedBy: string; approvedAt: string; safetyReview: string }
export interface OverrideDraft { actionId: string; mode: ActionMode; ownerApproval: OwnerApprovalDraft }
export interface PolicyDraft {
  groups: GroupDraft[];
  tiers: Record<RiskTier, TierDraft>;
  overrides: OverrideDraft[];
  shadowConnectors: string[];
  unverifiedApprovers: UnverifiedApproverMode;
  clientSecretStorage: ClientSecretStorage;
}

/**
 * Where a value lives in the form, independent of the names typed into it: `groups.2.members`,
 * `tiers.high.quorum`, `overrides.0.approvedAt`, `shadowConnectors`, `identityCheck`. A group can be
 * renamed (or be nameless) and its fields keep their key.
 */
export type FieldKey = string;

/** A problem the form found before asking the server, at the field it is about. */
export interface LocalIssue { key: FieldKey; message: string }

/** A document the server will validate: its shape, not yet its rules. */
export type DraftDocument = PolicyDocumentInput;

const emptyDuration = (): Duration => ({ amount: '', unit: 'minutes' });

/** `seconds` in the largest unit it is a whole number of (86400 → 24 hours, 90 → 90 seconds). */
export function durationOf(seconds: unknown): Duration {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return emptyDuration();
  if (seconds !== 0 && seconds % timeUnits.hours === 0) return { amount: String(seconds / timeUnits.hours), unit: 'hours' };
  if (seconds !== 0 && seconds % timeUnits.minutes === 0) return { amount: String(seconds / timeUnits.minutes), unit: 'minutes' };
  return { amount: String(seconds), unit: 'seconds' };
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly unknown[]).includes(value) ? value as T : fallback;

export const actionModes = ['allow', 'require_approval', 'block'] as const satisfies readonly ActionMode[];
export const unverifiedApproverModes = ['exclude', 'flag'] as const satisfies readonly UnverifiedApproverMode[];
export const clientSecretStorageModes = ['either', 'sealed', 'reference'] as const satisfies readonly ClientSecretStorage[];

function tierDraft(value: unknown): TierDraft {
  const tier = record(value);
  const escalation = record(tier.escalation);
  return {
    group: text(tier.group),
    quorum: text(tier.quorum),
    timeout: durationOf(tier.timeoutSeconds),
    reminder: durationOf(tier.reminderAfterSeconds),
    escalationAfter: durationOf(escalation.afterSeconds),
    escalationGroup: text(escalation.group),
  };
}

/**
 * The draft for a document (the one in force, or JSON typed by hand). Whatever is missing or of
 * the wrong kind comes out empty, so any parsed JSON can be shown; the server judges the rest.
 */
export function draftFromDocument(value: unknown): PolicyDraft {
  const doc = record(value);
  const tiers = record(doc.tiers);
  return {
    groups: Object.entries(record(doc.approverGroups)).map(([name, group]) => {
      const members = record(group).members;
      return { name, members: Array.isArray(members) ? members.map(text).join('\n') : '' };
    }),
    tiers: { low: tierDraft(tiers.low), medium: tierDraft(tiers.medium), high: tierDraft(tiers.high) },
    overrides: Object.entries(record(doc.actions)).map(([actionId, override]) => {
      const o = record(override);
      const approval = record(o.ownerApproval);
      return {
        actionId,
        mode: oneOf(o.mode, actionModes, 'require_approval'),
        ownerApproval: { approvedBy: text(approval.approvedBy), approvedAt: text(approval.approvedAt), safetyReview: text(approval.safetyReview) },
      };
    }),
    shadowConnectors: Array.isArray(doc.shadowConnectors) ? doc.shadowConnectors.map(text).filter(Boolean) : [],
    unverifiedApprovers: oneOf(record(doc.identityCheck).unverifiedApprovers, unverifiedApproverModes, 'exclude'),
    clientSecretStorage: oneOf(record(doc.credentials).clientSecretStorage, clientSecretStorageModes, 'either'),
  };
}

/** The lines of a members box that say something, trimmed. */
export function memberLines(members: string): string[] {
  return members.split(/\r?\n/).map((m) => m.trim()).filter(Boolean);
}

/** The document a draft stands for, and what the form itself found wrong (then do not send it). */
export function documentFromDraft(draft: PolicyDraft): { document: DraftDocument; issues: LocalIssue[] } {
  const issues: LocalIssue[] = [];
  const number = (typed: string, key: FieldKey): number | undefined => {
    const trimmed = typed.trim();
    if (!trimmed) return undefined;
    const n = Number(trimmed);
    if (!Number.isFinite(n)) {
      issues.push({ key, message: 'enter a number' });
      return undefined;
    }
    return n;
  };
  const seconds = (d: Duration, key: FieldKey): number | undefined => {
    const n = number(d.amount, key);
    // Rounded: 1.5 minutes is 90 seconds, and a float artefact must not fail the whole-second rule.
    return n === undefined ? undefined : Math.round(n * timeUnits[d.unit] * 1000) / 1000;
  };

  // Maps, then Object.fromEntries: a name like "__proto__" stays an ordinary key.
  const groups = new Map<string, { members: string[] }>();
  draft.groups.forEach((group, i) => {
    const name = group.name.trim();
    if (!name) issues.push({ key: `groups.${i}.name`, message: 'a group needs a name' });
    else if (groups.has(name)) issues.push({ key: `groups.${i}.name`, message: `another group is already named "${name}"` });
    else groups.set(name, { members: memberLines(group.members) });
  });

  const tier = (name: RiskTier): TierInput => {
    const t = draft.tiers[name];
    const key = `tiers.${name}`;
    const rule: TierInput = { group: t.group };
    const quorum = number(t.quorum, `${key}.quorum`);
    if (quorum !== undefined) rule.quorum = quorum;
    const timeout = seconds(t.timeout, `${key}.timeout`);
    if (timeout !== undefined) rule.timeoutSeconds = timeout;
    const reminder = seconds(t.reminder, `${key}.reminder`);
    if (reminder !== undefined) rule.reminderAfterSeconds = reminder;
    const after = seconds(t.escalationAfter, `${key}.escalationAfter`);
    // Half an escalation is sent as it is, so the server names the missing half at its field.
    if (after !== undefined || t.escalationGroup) {
      rule.escalation = { ...(after !== undefined ? { afterSeconds: after } : {}), group: t.escalationGroup } as NonNullable<TierInput['escalation']>;
    }
    return rule;
  };

  type Override = NonNullable<DraftDocument['actions']>[string];
  const actions = new Map<string, Override>();
  for (const o of draft.overrides) {
    const approval = Object.fromEntries(Object.entries(o.ownerApproval).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
    // Owner approval fields left empty mean none; partly filled, it is sent as it is (hence the
    // cast) so the server names the missing field.
    actions.set(o.actionId, Object.keys(approval).length ? { mode: o.mode, ownerApproval: approval as Override['ownerApproval'] } : { mode: o.mode });
  }

  const document: DraftDocument = {
    schemaVersion: 1,
    approverGroups: Object.fromEntries(groups),
    tiers: { low: tier('low'), medium: tier('medium'), high: tier('high') },
    actions: Object.fromEntries(actions),
    shadowConnectors: [...draft.shadowConnectors],
    identityCheck: { unverifiedApprovers: draft.unverifiedApprovers },
    credentials: { clientSecretStorage: draft.clientSecretStorage },
  };
  return { document, issues };
}
