/**
 * The policy form's tenant-wide settings: which connectors run in shadow mode (a checkbox each),
 * how the self-approval check treats approvers it cannot identify, and where app registrations
 * may keep their client secrets. Each choice is explained in one sentence under its select, which
 * follows the choice.
 */
import { el } from './dom';
import { describedBy, hintText, labelled, messageSlot, selectOf, type SlotMap } from './policy-form-controls';
import { clientSecretStorageModes, unverifiedApproverModes, type PolicyDraft } from './policy-draft';

type Explained<T extends string> = Record<T, { label: string; sentence: string }>;

const unverifiedApprovers: Explained<PolicyDraft['unverifiedApprovers']> = {
  exclude: { label: 'Exclude them', sentence: 'An approver Slack gives no e-mail address for is taken off the request, with the reason shown.' },
  flag: { label: 'Keep them, flagged', sentence: 'An approver Slack gives no e-mail address for may still decide; the request shows a warning (for workspaces that hide e-mail addresses).' },
};

const clientSecretStorage: Explained<PolicyDraft['clientSecretStorage']> = {
  either: { label: 'Sealed or by reference', sentence: 'An app registration may keep its client secret sealed in Gatehouse\'s database or as a reference to your own store.' },
  sealed: { label: 'Sealed in Gatehouse', sentence: 'Client secrets must be sealed in Gatehouse\'s database.' },
  reference: { label: 'Reference only', sentence: 'Client secrets stay in your own store (an environment variable or file); Gatehouse keeps only the reference.' },
};

function explainedSelect<T extends string>(label: string, modes: readonly T[], table: Explained<T>, value: T, editable: boolean) {
  const select = selectOf(modes.map((m) => [m, table[m].label] as const), value);
  select.disabled = !editable;
  const field = labelled(label, select, { hint: table[value].sentence });
  const hint = field.element.querySelector('.field-hint');
  select.addEventListener('change', () => hint?.replaceChildren(table[select.value as T].sentence));
  return { ...field, select };
}

export interface SettingsSection {
  element: HTMLElement;
  read(slots: SlotMap): Pick<PolicyDraft, 'shadowConnectors' | 'unverifiedApprovers' | 'clientSecretStorage'>;
}

export function settingsSection(draft: PolicyDraft, connectorIds: readonly string[], editable: boolean): SettingsSection {
  const shadowHint = hintText('The flow runs and external writes are recorded, not executed.');
  const shadowMessage = messageSlot();
  const ids = [...new Set([...connectorIds, ...draft.shadowConnectors])];
  const boxes = ids.map((connectorId) => {
    const box = el('input', { id: `policy-shadow-${connectorId}`, attrs: { type: 'checkbox', value: connectorId } });
    box.checked = draft.shadowConnectors.includes(connectorId);
    box.disabled = !editable;
    describedBy(box, shadowHint, shadowMessage);
    return box;
  });
  const shadow = el('fieldset', { className: 'policy-field shadow-connectors', attrs: { 'aria-describedby': `${shadowHint.id} ${shadowMessage.id}` } },
    el('legend', { text: 'Shadow mode' }), shadowHint,
    ids.length
      ? el('ul', { className: 'checkbox-list' }, ...boxes.map((box) => el('li', {}, box, el('label', { attrs: { for: box.id } }, el('code', { text: box.value })))))
      : el('p', { className: 'field-hint', text: 'No connector is listed yet.' }),
    shadowMessage);

  const identity = explainedSelect('Approvers the self-approval check cannot identify', unverifiedApproverModes, unverifiedApprovers, draft.unverifiedApprovers, editable);
  const secrets = explainedSelect('Client secret storage', clientSecretStorageModes, clientSecretStorage, draft.clientSecretStorage, editable);

  return {
    element: el('fieldset', { className: 'policy-section' },
      el('legend', { text: 'Shadow mode, identity check and secrets' }),
      shadow, identity.element, secrets.element),
    read: (slots) => {
      slots.set('shadowConnectors', { controls: boxes.length ? boxes : [shadow], message: shadowMessage });
      slots.set('identityCheck', identity.slot);
      slots.set('clientSecretStorage', secrets.slot);
      return {
        shadowConnectors: boxes.filter((b) => b.checked).map((b) => b.value),
        unverifiedApprovers: identity.select.value as PolicyDraft['unverifiedApprovers'],
        clientSecretStorage: secrets.select.value as PolicyDraft['clientSecretStorage'],
      };
    },
  };
}
