/**
 * The policy form's risk tiers (low, medium, high): the deciding group, the quorum, how long a
 * request waits, when to remind, and when to escalate to which group. Group selects offer the
 * draft's group names and follow a group that is renamed; a name no group has any more stays
 * chosen (marked) so the server's "unknown approver group" lands here instead of vanishing.
 */
import { el } from './dom';
import { durationField, labelled, numberInput, numberText, selectOf, type FieldSlot, type SlotMap } from './policy-form-controls';
import { tierNames, type Duration, type PolicyDraft, type TierDraft } from './policy-draft';

const tierTitles: Record<(typeof tierNames)[number], { title: string; about: string }> = {
  low: { title: 'Low risk', about: 'Actions whose manifest rates them low risk.' },
  medium: { title: 'Medium risk', about: 'Actions whose manifest rates them medium risk.' },
  high: { title: 'High risk', about: 'Actions rated high risk, and actions blocked by default that an owner has enabled.' },
};

interface TierControls {
  group: HTMLSelectElement;
  quorum: HTMLInputElement;
  escalationGroup: HTMLSelectElement;
  durations: { timeout: () => Duration; reminder: () => Duration; escalationAfter: () => Duration };
  slots: Record<'group' | 'quorum' | 'timeout' | 'reminder' | 'escalationAfter' | 'escalationGroup', FieldSlot>;
}

export interface TiersSection {
  element: HTMLElement;
  /** Offers `names` in every group select; a tier on a renamed group follows it. */
  setGroupNames(names: readonly string[], rename?: { from: string; to: string }): void;
  read(slots: SlotMap): PolicyDraft['tiers'];
}

/** Options for a group select: the draft's groups, and the chosen name even if no group has it. */
function fillGroupOptions(select: HTMLSelectElement, names: readonly string[], chosen: string, empty: string): void {
  const unique = [...new Set(names.filter(Boolean))];
  const options: Array<readonly [string, string]> = [['', empty], ...unique.map((n) => [n, n] as const)];
  if (chosen && !unique.includes(chosen)) options.push([chosen, `${chosen} (no such group)`]);
  select.replaceChildren(...options.map(([value, text]) => el('option', { text, attrs: { value } })));
  select.value = chosen;
}

export function tiersSection(initial: PolicyDraft['tiers'], groupNames: readonly string[], editable: boolean): TiersSection {
  const controls = {} as Record<(typeof tierNames)[number], TierControls>;

  const tierFieldset = (tier: (typeof tierNames)[number], draft: TierDraft): HTMLElement => {
    const group = selectOf([], '');
    fillGroupOptions(group, groupNames, draft.group, 'Choose a group');
    const quorum = numberInput(draft.quorum, { min: '1', max: '10', step: '1' });
    const escalationGroup = selectOf([], '');
    fillGroupOptions(escalationGroup, groupNames, draft.escalationGroup, 'No escalation');
    const groupField = labelled('Group', group, { hint: 'Its members decide this tier\'s actions.' });
    const quorumField = labelled('Quorum', quorum, { hint: 'Approvals needed, at most the group\'s size. Empty: 1.' });
    const timeout = durationField('Timeout', draft.timeout, 'How long a request waits for a decision. Empty: 24 hours.');
    const reminder = durationField('Remind after', draft.reminder, 'Remind the group when nobody has answered. Empty: no reminder.');
    const escalationAfter = durationField('Escalate after', draft.escalationAfter, 'Ask a second group too when nobody has answered. Empty: no escalation.');
    const escalationField = labelled('Escalation group', escalationGroup, { hint: 'The second group asked.' });
    controls[tier] = {
      group, quorum, escalationGroup,
      durations: { timeout: timeout.read, reminder: reminder.read, escalationAfter: escalationAfter.read },
      slots: { group: groupField.slot, quorum: quorumField.slot, timeout: timeout.slot, reminder: reminder.slot, escalationAfter: escalationAfter.slot, escalationGroup: escalationField.slot },
    };
    const fieldset = el('fieldset', { className: 'policy-tier', attrs: { 'data-tier': tier } },
      el('legend', { text: tierTitles[tier].title }),
      el('p', { className: 'field-hint', text: tierTitles[tier].about }),
      el('div', { className: 'policy-tier-fields' },
        groupField.element, quorumField.element, timeout.element, reminder.element, escalationAfter.element, escalationField.element));
    if (!editable) for (const c of fieldset.querySelectorAll('input, select')) (c as HTMLInputElement | HTMLSelectElement).disabled = true;
    return fieldset;
  };

  const element = el('fieldset', { className: 'policy-section' },
    el('legend', { text: 'Risk tiers' }),
    el('p', { className: 'field-hint', text: 'Who decides an action needing approval depends on its risk. Times can be entered in seconds, minutes or hours (at least 30 seconds).' }),
    el('div', { className: 'policy-tiers' }, ...tierNames.map((t) => tierFieldset(t, initial[t]))));

  return {
    element,
    setGroupNames: (names, rename) => {
      for (const tier of tierNames) {
        const c = controls[tier];
        for (const [select, empty] of [[c.group, 'Choose a group'], [c.escalationGroup, 'No escalation']] as const) {
          const chosen = rename && rename.from && select.value === rename.from && rename.to ? rename.to : select.value;
          fillGroupOptions(select, names, chosen, empty);
        }
      }
    },
    read: (slots) => {
      const tiers = {} as PolicyDraft['tiers'];
      for (const tier of tierNames) {
        const c = controls[tier];
        for (const [name, slot] of Object.entries(c.slots)) slots.set(`tiers.${tier}.${name}`, slot);
        tiers[tier] = {
          group: c.group.value,
          quorum: numberText(c.quorum),
          timeout: c.durations.timeout(),
          reminder: c.durations.reminder(),
          escalationAfter: c.durations.escalationAfter(),
          escalationGroup: c.escalationGroup.value,
        };
      }
      return tiers;
    },
  };
}
