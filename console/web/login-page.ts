/** Sign-in: tenant, email and password; the session lives in an HttpOnly cookie. */
import { ApiError, login } from './api';
import { el, messageRegion, uniqueId } from './dom';

function field(label: string, name: string, type: string, autocomplete: string): { row: HTMLElement; input: HTMLInputElement } {
  const id = uniqueId(`login-${name}`);
  const input = el('input', { id, attrs: { name, type, autocomplete, required: '' } });
  const row = el('div', { className: 'field' }, el('label', { text: label, attrs: { for: id } }), input);
  return { row, input };
}

export function loginPage(onSignedIn: () => void): HTMLElement {
  const tenant = field('Tenant', 'tenant', 'text', 'organization');
  const email = field('Email', 'email', 'email', 'username');
  const password = field('Password', 'password', 'password', 'current-password');
  const error = messageRegion('alert');
  error.id = 'login-error';
  const submit = el('button', { text: 'Sign in', attrs: { type: 'submit' } });
  const form = el('form', { className: 'card login-form', attrs: { 'aria-labelledby': 'login-title', novalidate: '' } },
    el('h1', { id: 'login-title', text: 'Sign in to Gatehouse' }),
    tenant.row, email.row, password.row, error, el('div', { className: 'actions' }, submit));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const missing = [tenant, email, password].find((f) => !f.input.value.trim());
    if (missing) {
      error.textContent = 'Enter the tenant, your email and your password.';
      missing.input.focus();
      return;
    }
    submit.disabled = true;
    login(tenant.input.value.trim(), email.input.value.trim(), password.input.value)
      .then(() => onSignedIn())
      .catch((err: unknown) => {
        error.textContent = err instanceof ApiError && err.status === 401
          ? 'The tenant, email or password is not right.'
          : err instanceof Error ? err.message : 'Signing in failed.';
        password.input.value = '';
        password.input.focus();
      })
      .finally(() => { submit.disabled = false; });
  });
  queueMicrotask(() => tenant.input.focus());
  return form;
}
