/**
 * The form an admin registers (or replaces) the tenant's own provider app with. The secret is
 * typed into a password box (a textarea for a private key), never prefilled, sent once and
 * cleared once saved; how it is kept (sealed, an environment variable, a file) offers only what
 * the tenant policy allows. A refusal is shown in the card's alert and, where the server names a
 * field, at that field, which is marked invalid and focused.
 */
import { ApiError } from './api';
import { el, replaceChildren, uniqueId } from './dom';
import { allowedWays, registrationBody, secretWays, type FilledForm, type Provider, type ProviderForm, type RegistrationView, type SecretStorage, type SecretWay } from './app-registration-fields';
import { send } from './policy-api';
import { labelled, selectOf, textInput, type FieldSlot } from './policy-form-controls';
import type { Issue } from './policy-issue-paths';

export interface RegistrationFormInput {
  provider: Provider;
  form: ProviderForm;
  storage: SecretStorage;
  status: HTMLElement;
  error: HTMLElement;
  onSaved: (view: RegistrationView) => void;
  /** Given when a registration exists: going back to it without saving. */
  onCancel?: () => void;
}

const secretBox = (): HTMLInputElement => el('input', { attrs: { type: 'password', autocomplete: 'off', spellcheck: 'false' } });

const wayHints: Record<SecretWay, string> = {
  value: 'Stored encrypted with the tenant’s key; it is never shown again.',
  env: 'A variable named GATEHOUSE_TENANT_SECRET_… that the operator sets for Gatehouse.',
  file: 'A path inside the directory the operator named in GATEHOUSE_TENANT_SECRET_DIR.',
};

export function registrationForm(input: RegistrationFormInput): HTMLFormElement {
  const { form, status, error } = input;
  const slots = new Map<string, FieldSlot>();
  const secrets: Array<HTMLInputElement | HTMLTextAreaElement> = [];
  const texts = new Map<string, HTMLInputElement>();

  const textField = (field: ProviderForm['texts'][number]): HTMLElement => {
    const control = field.secret ? secretBox() : textInput(field.initial ?? '');
    control.name = field.name;
    if (field.secret) secrets.push(control);
    texts.set(field.name, control);
    const { element, slot } = labelled(field.label, control, field.hint ? { hint: field.hint } : {});
    slots.set(field.name, slot);
    return element;
  };

  // The secret's way, and the one box that way needs.
  const ways = allowedWays(input.storage);
  const way = selectOf(secretWays.filter((w) => ways.includes(w.way)).map((w) => [w.way, w.label] as const), ways[0] ?? 'value');
  way.name = 'secretWay';
  const value: HTMLInputElement | HTMLTextAreaElement = form.secretMultiline
    ? el('textarea', { attrs: { rows: '6', autocomplete: 'off', spellcheck: 'false', 'data-secret': 'true' } })
    : secretBox();
  secrets.push(value);
  const boxes: Record<SecretWay, HTMLInputElement | HTMLTextAreaElement> = {
    value, env: textInput('', { placeholder: 'GATEHOUSE_TENANT_SECRET_…' }), file: textInput(''),
  };
  const boxLabels: Record<SecretWay, string> = { value: form.secretLabel, env: 'Environment variable name', file: 'File path' };
  const wayFields = Object.fromEntries((Object.keys(boxes) as SecretWay[]).map((w) => [w, labelled(boxLabels[w], boxes[w], { hint: wayHints[w] })])) as Record<SecretWay, ReturnType<typeof labelled>>;
  const shown = el('div');
  const showWay = () => {
    const picked = way.value as SecretWay;
    replaceChildren(shown, wayFields[picked].element);
    slots.set(form.secretField, wayFields[picked].slot);
  };
  way.addEventListener('change', showWay);
  showWay();
  const policyHint = input.storage === 'either' ? undefined : `Your tenant policy allows only ${input.storage === 'sealed' ? 'sealing it in Gatehouse' : 'an environment variable or a file'}.`;
  const secretGroup = el('fieldset', { className: 'secret-group' },
    el('legend', { text: form.secretLabel }),
    labelled('How the secret is kept', way, policyHint ? { hint: policyHint } : {}).element,
    shown);

  // A choice explained in one sentence per option (ServiceNow's grant).
  let chosen = (): string | undefined => undefined;
  let choiceGroup: HTMLElement | null = null;
  if (form.choice) {
    const name = uniqueId(form.choice.name);
    const radios = form.choice.choices.map((c, i) => {
      const radio = el('input', { id: uniqueId(`${form.choice?.name}-${c.value}`), attrs: { type: 'radio', name, value: c.value } });
      radio.checked = i === 0;
      return { radio, c };
    });
    chosen = () => radios.find((r) => r.radio.checked)?.c.value;
    const message = el('p', { id: uniqueId('choice-message'), className: 'field-message' });
    slots.set(form.choice.name, { controls: radios.map((r) => r.radio), message });
    choiceGroup = el('fieldset', { className: 'choice-group', attrs: { 'aria-describedby': message.id } },
      el('legend', { text: form.choice.label }),
      el('ul', { className: 'plain choices' }, ...radios.map(({ radio, c }) => el('li', { className: 'enable-cell' }, radio,
        el('label', { attrs: { for: radio.id } }, el('strong', { text: c.label }), el('span', { className: 'field-hint', text: c.sentence }))))),
      message);
  }

  const fields: HTMLElement[] = [];
  for (const field of form.texts) {
    fields.push(textField(field));
    if (field.name === form.secretAfter) fields.push(secretGroup);
  }
  const save = el('button', { id: 'app-registration-save', text: `Save ${form.title} app`, attrs: { type: 'submit' } });
  const cancel = input.onCancel ? el('button', { className: 'secondary-light', text: 'Cancel', attrs: { type: 'button' } }) : null;
  cancel?.addEventListener('click', () => input.onCancel?.());
  const element = el('form', { id: 'app-registration-form', className: 'app-registration-form', attrs: { novalidate: '', 'aria-label': `Register your ${form.title} app` } },
    ...fields, choiceGroup, el('div', { className: 'actions' }, save, cancel));

  const clearIssues = () => {
    for (const slot of slots.values()) {
      slot.message.textContent = '';
      for (const control of slot.controls) control.removeAttribute('aria-invalid');
    }
  };
  /** Shows each issue at its field (the first part of its path names it) and focuses the first. */
  const showIssues = (issues: readonly Issue[]) => {
    let first: HTMLElement | undefined;
    for (const issue of issues) {
      const slot = slots.get(issue.path.split('.')[0] ?? '');
      if (!slot) continue;
      slot.message.appendChild(el('span', { text: issue.message }));
      for (const control of slot.controls) control.setAttribute('aria-invalid', 'true');
      first ??= slot.controls[0];
    }
    first?.focus();
  };

  element.addEventListener('submit', (event) => {
    event.preventDefault();
    clearIssues();
    error.textContent = '';
    status.textContent = `Saving your ${form.title} app…`;
    save.disabled = true;
    const filled: FilledForm = {
      texts: Object.fromEntries([...texts].map(([name, control]) => [name, control.value])),
      way: way.value as SecretWay, secret: boxes[way.value as SecretWay].value,
      ...(chosen() ? { choice: chosen() } : {}),
    };
    send<{ registration: RegistrationView }>('PUT', `/console/api/app-registrations/${input.provider}`, registrationBody(form, filled))
      .then((answer) => {
        save.disabled = false;
        if (!answer.ok) {
          status.textContent = '';
          error.textContent = `Not saved: ${answer.message}`;
          showIssues(answer.issues);
          return;
        }
        // Sent once: nothing typed as a secret stays in the page.
        for (const box of secrets) box.value = '';
        input.onSaved(answer.body.registration);
      })
      .catch((err: unknown) => {
        save.disabled = false;
        status.textContent = '';
        error.textContent = err instanceof ApiError && err.code === 'forbidden' ? 'Only a tenant admin can register the app.' : err instanceof Error ? err.message : 'The app could not be saved.';
      });
  });
  return element;
}
