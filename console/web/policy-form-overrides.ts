/**
 * The policy form's action overrides: one row per overridden action with its mode and, unless it
 * blocks the action, the owner approval that enabling an action blocked by default needs. Admins
 * add an override by choosing one of the connectors' action ids (the simulation of the policy in
 * force lists them) and remove one with its row's button.
 */
import { el, replaceChildren } from './dom';
import { labelled, messageSlot, selectOf, smallButton, textInput, type FieldSlot, type SlotMap } from './policy-form-controls';
import { actionModes, type ActionMode, type OverrideDraft } from './policy-draft';

/** A connector and the action ids it has, as the policy simulation lists them. */
export interface ConnectorActions { connectorId: string; actionIds: string[] }

const modeLabels: Record<ActionMode, string> = {
  allow: 'Allow without approval',
  require_approval: 'Require approval',
  block: 'Block',
};

interface OverrideRow {
  actionId: string;
  element: HTMLElement;
  mode: HTMLSelectElement;
  approval: { approvedBy: HTMLInputElement; approvedAt: HTMLInputElement; safetyReview: HTMLInputElement };
  slots: Record<'mode' | 'approvedBy' | 'approvedAt' | 'safetyReview', FieldSlot>;
}

export interface OverridesSection {
  element: HTMLElement;
  read(slots: SlotMap): OverrideDraft[];
}

export function overridesSection(initial: readonly OverrideDraft[], catalogue: readonly ConnectorActions[], editable: boolean): OverridesSection {
  const rows: OverrideRow[] = [];
  const list = el('div', { className: 'policy-overrides' });
  const empty = el('p', { className: 'field-hint', text: 'No overrides: every action is decided by its risk tier.' });
  const sectionMessage = messageSlot();

  const row = (o: OverrideDraft): OverrideRow => {
    const mode = selectOf(actionModes.map((m) => [m, modeLabels[m]] as const), o.mode);
    const approvedBy = textInput(o.ownerApproval.approvedBy);
    const approvedAt = textInput(o.ownerApproval.approvedAt, { placeholder: '2026-12-01T09:30:00Z' });
    const safetyReview = textInput(o.ownerApproval.safetyReview);
    const modeField = labelled('Mode', mode, { hint: 'Replaces the tier\'s decision for this action.' });
    const byField = labelled('Approved by', approvedBy, { hint: 'The owner who approved enabling it.' });
    const atField = labelled('Approved at', approvedAt, { hint: 'Date and time in UTC, like 2026-12-01T09:30:00Z.' });
    const reviewField = labelled('Safety review', safetyReview, { hint: 'The ticket or document of the safety review.' });
    const approval = el('fieldset', { className: 'owner-approval' },
      el('legend', { text: 'Owner approval' }),
      el('p', { className: 'field-hint', text: 'Only for an action blocked by default (it moves money, deletes customer data, or its manifest blocks it). Leave empty otherwise.' }),
      el('div', { className: 'owner-approval-fields' }, byField.element, atField.element, reviewField.element));
    const showApproval = () => { approval.hidden = mode.value === 'block'; };
    mode.addEventListener('change', showApproval);
    showApproval();
    const element = el('fieldset', { className: 'policy-override', attrs: { 'data-action-id': o.actionId } },
      el('legend', {}, el('code', { text: o.actionId })), modeField.element, approval);
    const r: OverrideRow = {
      actionId: o.actionId, element, mode, approval: { approvedBy, approvedAt, safetyReview },
      slots: { mode: modeField.slot, approvedBy: byField.slot, approvedAt: atField.slot, safetyReview: reviewField.slot },
    };
    for (const c of [mode, approvedBy, approvedAt, safetyReview]) c.disabled = !editable;
    if (editable) {
      element.append(el('div', { className: 'row-actions' }, smallButton('Remove override', () => {
        rows.splice(rows.indexOf(r), 1);
        render();
        picker.focus();
      }, { 'aria-label': `Remove override of ${o.actionId}` })));
    }
    return r;
  };

  const picker = el('select', { id: 'policy-override-action' });
  const pickerMessage = messageSlot();
  const addButton = smallButton('Add override', () => {
    const actionId = picker.value;
    if (!actionId || rows.some((r) => r.actionId === actionId)) return;
    const added = row({ actionId, mode: 'require_approval', ownerApproval: { approvedBy: '', approvedAt: '', safetyReview: '' } });
    rows.push(added);
    render();
    added.mode.focus();
  });
  const adder = editable
    ? el('div', { className: 'field policy-field override-adder' },
      el('label', { text: 'Action to override', attrs: { for: picker.id } }),
      el('div', { className: 'inline' }, picker, addButton), pickerMessage)
    : null;
  picker.setAttribute('aria-describedby', pickerMessage.id);

  /** The picker offers each connector's actions that have no override yet. */
  const fillPicker = () => {
    const taken = new Set(rows.map((r) => r.actionId));
    const groups = catalogue.map((c) => ({ c, free: c.actionIds.filter((a) => !taken.has(a)) })).filter((g) => g.free.length);
    picker.replaceChildren(
      el('option', { text: groups.length ? 'Choose an action' : catalogue.some((c) => c.actionIds.length) ? 'Every listed action has an override' : 'No connector action is listed', attrs: { value: '' } }),
      ...groups.map(({ c, free }) => el('optgroup', { attrs: { label: c.connectorId } }, ...free.map((a) => el('option', { text: a, attrs: { value: a } })))));
    addButton.disabled = !groups.length;
  };

  const render = () => {
    replaceChildren(list, ...(rows.length ? rows.map((r) => r.element) : [empty]));
    fillPicker();
  };
  rows.push(...initial.map(row));
  render();

  const element = el('fieldset', { className: 'policy-section', attrs: { 'aria-describedby': sectionMessage.id } },
    el('legend', { text: 'Action overrides' }),
    el('p', { className: 'field-hint', text: 'Decide one action differently from its tier: allow it, always ask, or block it.' }),
    list, adder, sectionMessage);

  return {
    element,
    read: (slots) => {
      slots.set('overrides', adder ? { controls: [picker], message: pickerMessage } : { controls: [element], message: sectionMessage });
      return rows.map((r, i) => {
        for (const [name, slot] of Object.entries(r.slots)) slots.set(`overrides.${i}.${name}`, slot);
        return {
          actionId: r.actionId,
          mode: r.mode.value as ActionMode,
          // A blocked action needs no owner approval: what is typed (hidden) is kept, not sent.
          ownerApproval: r.mode.value === 'block'
            ? { approvedBy: '', approvedAt: '', safetyReview: '' }
            : { approvedBy: r.approval.approvedBy.value, approvedAt: r.approval.approvedAt.value, safetyReview: r.approval.safetyReview.value },
        };
      });
    },
  };
}
