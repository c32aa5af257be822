/**
 * Which form field a server issue is about. The server names a field by its path in the document
 * (`tiers.high.quorum`, `approverGroups.oncall.members.1`, `actions.slack.users.info.mode`); the
 * form names it by a key that survives renaming (see policy-draft.ts). Action ids and group names
 * may contain dots, so paths are matched as strings against the paths this draft produces, and an
 * issue deeper than any field (a member's index) lands at the nearest field above it. Pure.
 */
import { tierNames, type FieldKey, type PolicyDraft } from './policy-draft';

export interface Issue { path: string; message: string }
export interface PlacedIssue { key: FieldKey; message: string }
/** An issue no field is about; `near` is a field inside what it names, to focus, when there is one. */
export interface UnplacedIssue extends Issue { near?: FieldKey }

/** Every document path this draft produces, with the form field each belongs to. */
export function fieldPaths(draft: PolicyDraft): Map<string, FieldKey> {
  const paths = new Map<string, FieldKey>();
  const add = (path: string, key: FieldKey) => {
    if (!paths.has(path)) paths.set(path, key);
  };
  add('approverGroups', 'groups');
  draft.groups.forEach((g, i) => {
    const at = `approverGroups.${g.name.trim()}`;
    add(at, `groups.${i}.name`);
    add(`${at}.members`, `groups.${i}.members`);
  });
  for (const tier of tierNames) {
    const at = `tiers.${tier}`;
    const key = `tiers.${tier}`;
    add(`${at}.group`, `${key}.group`);
    add(`${at}.quorum`, `${key}.quorum`);
    add(`${at}.timeoutSeconds`, `${key}.timeout`);
    add(`${at}.reminderAfterSeconds`, `${key}.reminder`);
    add(`${at}.escalation`, `${key}.escalationAfter`);
    add(`${at}.escalation.afterSeconds`, `${key}.escalationAfter`);
    add(`${at}.escalation.group`, `${key}.escalationGroup`);
  }
  add('actions', 'overrides');
  draft.overrides.forEach((o, i) => {
    const at = `actions.${o.actionId}`;
    add(at, `overrides.${i}.mode`);
    add(`${at}.mode`, `overrides.${i}.mode`);
    add(`${at}.ownerApproval`, `overrides.${i}.approvedBy`);
    for (const field of ['approvedBy', 'approvedAt', 'safetyReview'] as const) add(`${at}.ownerApproval.${field}`, `overrides.${i}.${field}`);
  });
  add('shadowConnectors', 'shadowConnectors');
  add('identityCheck', 'identityCheck');
  add('identityCheck.unverifiedApprovers', 'identityCheck');
  add('credentials', 'clientSecretStorage');
  add('credentials.clientSecretStorage', 'clientSecretStorage');
  return paths;
}

/**
 * A tier's own issue (`tiers.high`: an unknown approver group) is about its group, or about its
 * escalation group when the message names that one and not the tier's group.
 */
function tierIssueKey(issue: Issue, draft: PolicyDraft): FieldKey | undefined {
  const tier = tierNames.find((t) => issue.path === `tiers.${t}`);
  if (!tier) return undefined;
  const rule = draft.tiers[tier];
  const names = (group: string) => group !== '' && issue.message.includes(`"${group}"`);
  return names(rule.escalationGroup) && !names(rule.group) ? `tiers.${tier}.escalationGroup` : `tiers.${tier}.group`;
}

/** The field `issue` is about: its own path, else the nearest path above it that is a field. */
export function fieldForIssue(issue: Issue, draft: PolicyDraft, paths = fieldPaths(draft)): FieldKey | undefined {
  const tierKey = tierIssueKey(issue, draft);
  if (tierKey) return tierKey;
  for (let path = issue.path; path; path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '') {
    const key = paths.get(path);
    if (key) return key;
  }
  return undefined;
}

/** Splits issues into those shown at a field and those for the summary (with a field to focus, if any). */
export function placeIssues(issues: readonly Issue[], draft: PolicyDraft): { placed: PlacedIssue[]; unplaced: UnplacedIssue[] } {
  const paths = fieldPaths(draft);
  const placed: PlacedIssue[] = [];
  const unplaced: UnplacedIssue[] = [];
  for (const issue of issues) {
    const key = fieldForIssue(issue, draft, paths);
    if (key) {
      placed.push({ key, message: issue.message });
      continue;
    }
    const inside = [...paths.entries()].find(([path]) => issue.path !== '' && path.startsWith(`${issue.path}.`));
    unplaced.push(inside ? { ...issue, near: inside[1] } : { ...issue });
  }
  return { placed, unplaced };
}
