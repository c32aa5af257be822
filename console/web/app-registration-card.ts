/**
 * The install review's "Your <Provider> app" card: the tenant connects with its OWN app at the
 * provider (customer-managed app), so before Enable can start the provider's consent the app must
 * be registered here. The card says which redirect URI to register at the provider and where,
 * shows the registration (client or app id, where the secret is kept, who saved it and when; never
 * a secret) and gives admins the form to register or replace it. Everybody else reads it.
 */
import type { Account } from './api';
import { el, messageRegion, replaceChildren } from './dom';
import { keptText, providerForms, type AppRegistrationAnswer, type Provider, type RegistrationView } from './app-registration-fields';
import { registrationForm } from './app-registration-form';

export interface AppRegistrationCardInput {
  provider: Provider;
  /** The server's answer, or why it could not be loaded. */
  answer: AppRegistrationAnswer | Error;
  account: Account | undefined;
  /** Called after a save: the page drops an Enable error that said the app was missing. */
  onSaved?: () => void;
}

function registeredFacts(provider: Provider, view: RegistrationView): HTMLElement {
  const form = providerForms[provider];
  const facts: Array<[string, string]> = [
    ...form.facts(view),
    [form.secretLabel, keptText(view.secrets[form.secretField])],
    ['Saved by', `${view.createdBy}, ${new Date(view.updatedAt).toLocaleString()}`],
  ];
  return el('dl', { id: 'app-registration-facts', className: 'facts' }, ...facts.flatMap(([label, value]) => [el('dt', { text: label }), el('dd', { text: value })]));
}

export function appRegistrationCard(input: AppRegistrationCardInput): HTMLElement {
  const { provider, answer } = input;
  const form = providerForms[provider];
  const isAdmin = input.account?.role === 'admin';
  const status = messageRegion('status');
  status.id = 'app-registration-status';
  const error = messageRegion('alert');
  error.id = 'app-registration-error';
  const heading = el('h2', { id: 'app-registration-title', text: `Your ${form.title} app`, attrs: { tabindex: '-1' } });
  const card = el('section', { id: 'app-registration', className: 'card app-registration', attrs: { 'aria-labelledby': heading.id } }, heading);
  if (answer instanceof Error) {
    error.textContent = `Your ${form.title} app registration could not be loaded: ${answer.message}`;
    card.append(error);
    return card;
  }

  const body = el('div', { id: 'app-registration-body' });
  const storage = answer.secretStorage;
  let registration = answer.registration;

  const showView = (): void => {
    const replace = isAdmin ? el('button', { id: 'app-registration-replace', className: 'secondary-light', text: `Replace ${form.title} app`, attrs: { type: 'button' } }) : null;
    replace?.addEventListener('click', () => {
      status.textContent = '';
      showForm();
    });
    card.setAttribute('data-registered', String(!!registration));
    if (registration) {
      replaceChildren(body,
        el('p', { text: `Gatehouse connects with your own ${form.title} app. Its secret is never shown here: only where it is kept.` }),
        registeredFacts(provider, registration),
        replace ? el('div', { className: 'actions' }, replace) : null);
      return;
    }
    replaceChildren(body, el('p', { id: 'app-registration-missing', className: 'note', text: `No ${form.title} app is registered yet, so this connector cannot be enabled. A tenant admin registers it here.` }));
  };

  function showForm(): void {
    const saved = registration;
    card.setAttribute('data-registered', String(!!registration));
    replaceChildren(body,
      el('p', { text: saved ? `Replacing your ${form.title} app: the new one is used from the next authorisation on.` : `Register the ${form.title} app you made for Gatehouse. Its secret is sent once and never shown again.` }),
      registrationForm({
        provider, form, storage, status, error,
        onSaved: (view) => {
          registration = view;
          showView();
          status.textContent = `Saved your ${form.title} app (${view.clientId}). Its secret is ${keptText(view.secrets[form.secretField])}.`;
          heading.focus();
          input.onSaved?.();
        },
        ...(saved ? { onCancel: () => {
          error.textContent = '';
          showView();
          heading.focus();
        } } : {}),
      }));
  }

  if (registration || !isAdmin) showView();
  else showForm();

  card.append(
    el('p', { className: 'redirect-where', text: form.redirectWhere }),
    el('p', {}, el('span', { text: 'Redirect URI: ' }), el('code', { id: 'app-registration-redirect-uri', text: answer.redirectUri })),
    body, status, error);
  return card;
}
