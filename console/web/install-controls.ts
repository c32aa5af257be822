/**
 * The buttons an install's status calls for on the review page: Enable (an admin starts the
 * install: the provider's consent page when there is an OAuth flow), Approve/Reject (another
 * admin decides a review waiting for one, with the actions still ticked, and accepts a broader
 * grant explicitly), or a sentence saying why there is nothing to press.
 */
import { api, ApiError, type Account } from './api';
import { el, uniqueId } from './dom';
import { broaderScopesOf } from './install-progress';
import type { Install } from './types';

export interface InstallControlsInput {
  connectorId: string;
  title: string;
  /** The connector's console API path. */
  path: string;
  install: Install | undefined;
  account: Account | undefined;
  /** The action ids ticked on the page right now. */
  ticked: () => string[];
  status: HTMLElement;
  error: HTMLElement;
  /** Called once the server took an install or a decision: the page follows the install. */
  onSubmitted: () => void;
}

const samePerson = (a: string | null | undefined, b: string | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

function failureText(err: unknown, fallback: string): string {
  if (err instanceof ApiError && err.code === 'forbidden') return 'Only a tenant admin can do this.';
  return err instanceof Error ? err.message : fallback;
}

export function installControls(input: InstallControlsInput): HTMLElement {
  const { install, account } = input;
  if (account?.role !== 'admin') {
    return el('p', { id: 'read-only-note', className: 'note', text: `You are signed in as ${account?.role ?? 'a non-admin'}: this review is read-only. Only a tenant admin can change the actions, enable the connector or decide its review.` });
  }
  if (install?.status === 'checking_health') return el('div');
  if (install?.status === 'pending_review') {
    return samePerson(install.requestedBy, account.email)
      ? el('p', { id: 'review-own-note', className: 'note', text: 'You asked for this install, so another tenant admin must review it (nobody approves their own install).' })
      : reviewControls(input);
  }
  return enableControls(input);
}

function enableControls(input: InstallControlsInput): HTMLElement {
  const { status, error } = input;
  const again = input.install?.status === 'enabled' ? ' again with the ticked actions' : '';
  const enable = el('button', { id: 'enable-button', text: `Enable ${input.title}${again}`, attrs: { type: 'button' } });
  enable.addEventListener('click', () => {
    enable.disabled = true;
    error.textContent = '';
    status.textContent = 'Starting the install…';
    api.post<{ workflowId?: string; status?: string; startUrl?: string }>(`${input.path}/install`, { enableActions: input.ticked() })
      .then((answer) => {
        if (answer.startUrl) {
          status.textContent = 'Continuing at the provider to grant access…';
          window.location.assign(answer.startUrl);
          return;
        }
        status.textContent = 'Install started: it now waits for another tenant admin’s review.';
        input.onSubmitted();
      })
      .catch((err: unknown) => {
        status.textContent = '';
        error.textContent = failureText(err, 'The install could not be started.');
        enable.disabled = false;
      });
  });
  return el('div', { className: 'actions' }, enable);
}

function reviewControls(input: InstallControlsInput): HTMLElement {
  const { status, error } = input;
  const broader = broaderScopesOf(input.install);
  const acceptId = uniqueId('accept-broader');
  const accept = el('input', { id: acceptId, attrs: { type: 'checkbox' } });
  const approve = el('button', { id: 'approve-install', text: 'Approve and enable', attrs: { type: 'button' } });
  const reject = el('button', { id: 'reject-install', className: 'secondary', text: 'Reject', attrs: { type: 'button' } });
  const decide = (decision: 'approve' | 'reject') => {
    approve.disabled = true;
    reject.disabled = true;
    error.textContent = '';
    status.textContent = decision === 'approve' ? 'Sending the approval…' : 'Sending the rejection…';
    const body = decision === 'approve'
      ? { decision, enableActions: input.ticked(), ...(broader.length ? { acceptBroaderScopes: accept.checked } : {}) }
      : { decision };
    api.post<{ status: string }>(`${input.path}/review`, body)
      .then(() => {
        status.textContent = decision === 'approve' ? 'Approved: following the install…' : 'Rejected.';
        input.onSubmitted();
      })
      .catch((err: unknown) => {
        status.textContent = '';
        error.textContent = failureText(err, 'The decision could not be sent.');
        approve.disabled = false;
        reject.disabled = false;
      });
  };
  approve.addEventListener('click', () => decide('approve'));
  reject.addEventListener('click', () => decide('reject'));
  return el('section', { id: 'install-decision', className: 'card', attrs: { 'aria-labelledby': 'install-decision-title' } },
    el('h2', { id: 'install-decision-title', text: 'Review this install' }),
    el('p', { text: `${input.install?.requestedBy ?? 'An admin'} asked to enable ${input.title}. Approving enables the ticked actions the policy allows, after a healthcheck.` }),
    broader.length
      ? el('div', { className: 'note' },
        el('p', { text: `The provider granted more than the manifest declares: ${broader.join(', ')}.` }),
        el('div', { className: 'enable-cell' }, accept, el('label', { attrs: { for: acceptId }, text: 'I accept the broader grant' })))
      : null,
    el('div', { className: 'actions' }, approve, reject));
}
