/**
 * The policy as a form, for admins who do not read JSON: approver groups, risk tiers, action
 * overrides and the tenant-wide settings, built from a document and read back into one. Problems
 * are shown next to the field they are about (in the message slot its control names in
 * aria-describedby, with aria-invalid on the control); a problem no field is about goes to the
 * summary at the top, which focuses the nearest field when there is one. Focus moves to the first
 * problem. Read-only (disabled controls, no add or remove) for anyone who cannot save.
 */
import { el, replaceChildren } from './dom';
import { documentFromDraft, draftFromDocument, type DraftDocument, type FieldKey, type LocalIssue, type PolicyDraft } from './policy-draft';
import type { FieldSlot, SlotMap } from './policy-form-controls';
import { groupsSection } from './policy-form-groups';
import { overridesSection, type ConnectorActions } from './policy-form-overrides';
import { settingsSection } from './policy-form-settings';
import { tiersSection } from './policy-form-tiers';
import { placeIssues, type Issue, type UnplacedIssue } from './policy-issue-paths';

export interface PolicyForm {
  element: HTMLElement;
  /** The document as filled in, and the draft it came from; undefined (problems shown) when the form itself finds some. */
  read(): { document: DraftDocument; draft: PolicyDraft } | undefined;
  /** Shows the server's issues for the document read from `draft`; an empty list clears them. */
  showIssues(issues: readonly Issue[], draft: PolicyDraft): void;
}

export function policyForm(document: unknown, catalogue: readonly ConnectorActions[], editable: boolean): PolicyForm {
  const initial = draftFromDocument(document);
  /** Each row's last non-empty name, so a tier follows a group renamed by clearing and retyping it. */
  let lastNames = initial.groups.map((g) => g.name.trim());
  const groups = groupsSection(initial.groups, {
    editable,
    onNamesChange: () => {
      const names = groups.names();
      if (names.length !== lastNames.length) {
        // A group added or removed: nothing was renamed.
        tiers.setGroupNames(names);
        lastNames = names;
        return;
      }
      const changed = names.map((n, i) => (n && n !== lastNames[i] ? i : -1)).filter((i) => i >= 0);
      const i = changed[0];
      const rename = changed.length === 1 && i !== undefined && lastNames[i] ? { from: lastNames[i]!, to: names[i]! } : undefined;
      tiers.setGroupNames(names, rename);
      lastNames = names.map((n, j) => n || lastNames[j]!);
    },
  });
  const tiers = tiersSection(initial.tiers, lastNames, editable);
  const overrides = overridesSection(initial.overrides, catalogue, editable);
  const settings = settingsSection(initial, catalogue.map((c) => c.connectorId), editable);

  const summaryTitle = el('h2', { id: 'policy-form-summary-title', text: 'Problems in the draft', attrs: { tabindex: '-1' } });
  const summaryList = el('ul', { className: 'issues' });
  const summary = el('div', { id: 'policy-form-summary', className: 'policy-summary', attrs: { 'aria-labelledby': summaryTitle.id } }, summaryTitle, summaryList);
  summary.hidden = true;

  /** Reads every section, registering each field's slot under its key. */
  const collect = (slots: SlotMap): PolicyDraft => {
    const groupDrafts = groups.read(slots);
    const tierDrafts = tiers.read(slots);
    const overrideDrafts = overrides.read(slots);
    return { groups: groupDrafts, tiers: tierDrafts, overrides: overrideDrafts, ...settings.read(slots) };
  };

  const clear = (slots: SlotMap) => {
    for (const slot of slots.values()) {
      slot.message.replaceChildren();
      slot.message.closest('.policy-field')?.classList.remove('has-issue');
      for (const c of slot.controls) c.removeAttribute('aria-invalid');
    }
    replaceChildren(summaryList);
    summary.hidden = true;
  };

  const mark = (slot: FieldSlot, message: string) => {
    slot.message.append(el('span', { text: message }));
    slot.message.closest('.policy-field')?.classList.add('has-issue');
    for (const c of slot.controls) c.setAttribute('aria-invalid', 'true');
  };

  const summaryItem = (issue: UnplacedIssue, slots: SlotMap): HTMLElement => {
    const near = issue.near ? slots.get(issue.near)?.controls[0] : undefined;
    const where = issue.path || 'the whole document';
    return el('li', { attrs: { 'data-path': issue.path } },
      near
        ? el('button', { className: 'link', text: where, attrs: { type: 'button', title: 'Go to the field' }, on: { click: () => near.focus() } })
        : el('code', { text: where }),
      el('span', { className: 'issue-message', text: `: ${issue.message}` }));
  };

  /** Shows placed problems at their fields and the rest in the summary, then focuses the first. */
  const show = (placed: ReadonlyArray<{ key: FieldKey; message: string }>, unplaced: readonly UnplacedIssue[]) => {
    const slots: SlotMap = new Map();
    collect(slots);
    clear(slots);
    const marked: HTMLElement[] = [];
    for (const issue of placed) {
      const slot = slots.get(issue.key);
      if (!slot) {
        unplaced = [...unplaced, { path: issue.key, message: issue.message }];
        continue;
      }
      mark(slot, issue.message);
      if (slot.controls[0]) marked.push(slot.controls[0]);
    }
    if (unplaced.length) {
      replaceChildren(summaryList, ...unplaced.map((i) => summaryItem(i, slots)));
      summary.hidden = false;
      summaryTitle.focus();
      return;
    }
    // The first problem as the page reads, top to bottom.
    marked.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    marked[0]?.focus();
  };

  const element = el('div', { id: 'policy-form', className: 'policy-form' },
    summary, groups.element, tiers.element, overrides.element, settings.element);

  return {
    element,
    read: () => {
      const draft = collect(new Map());
      const { document: doc, issues } = documentFromDraft(draft);
      if (issues.length) {
        show(issues satisfies LocalIssue[], []);
        return undefined;
      }
      return { document: doc, draft };
    },
    showIssues: (issues, draft) => {
      const { placed, unplaced } = placeIssues(issues, draft);
      show(placed, unplaced);
    },
  };
}
