/**
 * The policy form's approver groups: each group's name and members (Slack user ids, one per line),
 * with adding and removing groups for admins. The tiers' group selects follow the names typed here
 * (`onNamesChange`), so a tier can only be given a group the draft has.
 */
import { el, replaceChildren } from './dom';
import { labelled, messageSlot, smallButton, textInput, type FieldSlot, type SlotMap } from './policy-form-controls';
import type { GroupDraft } from './policy-draft';

interface GroupRow { element: HTMLElement; name: HTMLInputElement; members: HTMLTextAreaElement; slots: { name: FieldSlot; members: FieldSlot } }

export interface GroupsSection {
  element: HTMLElement;
  /** The names as typed, in order (empty ones too). */
  names(): string[];
  /** The groups as typed; registers each field's slot under its key. */
  read(slots: SlotMap): GroupDraft[];
}

export function groupsSection(initial: readonly GroupDraft[], opts: { editable: boolean; onNamesChange: () => void }): GroupsSection {
  const rows: GroupRow[] = [];
  const list = el('div', { className: 'policy-groups' });
  const sectionMessage = messageSlot();
  const addButton = opts.editable ? smallButton('Add group', () => {
    const row = groupRow({ name: '', members: '' });
    rows.push(row);
    render();
    opts.onNamesChange();
    row.name.focus();
  }) : null;

  const render = () => {
    rows.forEach((row, i) => row.element.querySelector('legend')?.replaceChildren(`Approver group ${i + 1}`));
    replaceChildren(list, ...rows.map((r) => r.element));
  };

  function groupRow(group: GroupDraft): GroupRow {
    const name = textInput(group.name, { autocapitalize: 'off' });
    name.disabled = !opts.editable;
    name.addEventListener('input', () => opts.onNamesChange());
    const members = el('textarea', { className: 'members', attrs: { rows: '3', spellcheck: 'false', autocapitalize: 'characters' } });
    members.value = group.members;
    members.disabled = !opts.editable;
    const nameField = labelled('Name', name, { hint: 'Tiers and escalations choose a group by this name.' });
    const membersField = labelled('Members', members, { hint: 'Slack user ids (U… or W…), one per line.' });
    const row: GroupRow = {
      element: el('fieldset', { className: 'policy-group' }, el('legend'), nameField.element, membersField.element),
      name, members, slots: { name: nameField.slot, members: membersField.slot },
    };
    if (opts.editable) {
      row.element.append(el('div', { className: 'row-actions' }, smallButton('Remove group', () => {
        rows.splice(rows.indexOf(row), 1);
        render();
        opts.onNamesChange();
        addButton?.focus();
      }, { 'aria-label': `Remove group ${group.name || '(no name)'}` })));
      name.addEventListener('input', () => row.element.querySelector('.row-actions button')?.setAttribute('aria-label', `Remove group ${name.value.trim() || '(no name)'}`));
    }
    return row;
  }

  rows.push(...initial.map(groupRow));
  render();

  const element = el('fieldset', { className: 'policy-section', attrs: { 'aria-describedby': sectionMessage.id } },
    el('legend', { text: 'Approver groups' }),
    el('p', { className: 'field-hint', text: 'Who may approve. Each tier below names the group that decides its actions.' }),
    list,
    addButton ? el('div', { className: 'actions' }, addButton) : null,
    sectionMessage);

  return {
    element,
    names: () => rows.map((r) => r.name.value.trim()),
    read: (slots) => {
      slots.set('groups', { controls: [addButton ?? rows[0]?.name ?? element], message: sectionMessage });
      return rows.map((row, i) => {
        slots.set(`groups.${i}.name`, row.slots.name);
        slots.set(`groups.${i}.members`, row.slots.members);
        return { name: row.name.value, members: row.members.value };
      });
    },
  };
}
