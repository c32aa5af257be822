/**
 * The install review: what the connector asks for (scopes, permissions), each action with its risk
 * and what policy would decide for it, simulated again whenever a box is ticked or unticked. An
 * admin presses Enable (the provider's consent page, then back here); another admin approves or
 * rejects the review here with the actions still ticked; the page follows the install live through
 * the healthcheck to enabled, or failed with the reason. Everybody else reads the page.
 */
import { api, session } from './api';
import { appRegistrationCard } from './app-registration-card';
import { isProvider, type AppRegistrationAnswer } from './app-registration-fields';
import { el, messageRegion, replaceChildren, uniqueId } from './dom';
import { installControls } from './install-controls';
import { followInstall, inProgress, progressText, requestedActionsOf } from './install-progress';
import type { Install, Listing, Scope, SimulatedAction, Simulation } from './types';

const riskOrder = ['low', 'medium', 'high', 'critical'];

/** A scope named only by a string: its risk is the highest of the actions that use it. */
function scopeItem(scope: Scope, actions: SimulatedAction[]): HTMLElement {
  if (typeof scope === 'string') {
    const users = actions.filter((a) => a.scopes.includes(scope));
    const risk = users.map((a) => a.riskLevel).sort((a, b) => riskOrder.indexOf(b) - riskOrder.indexOf(a))[0];
    return el('li', { attrs: { 'data-scope': scope } },
      el('code', { text: scope }), ' ',
      risk ? el('span', { className: `badge risk risk-${risk}`, text: risk }) : null,
      el('span', { className: 'scope-allows', text: users.length ? `Allows: ${users.map((a) => a.name).join(', ')}.` : 'Used by no action.' }));
  }
  const name = scope.scope ?? scope.name ?? scope.id ?? 'scope';
  const what = scope.allows ?? scope.description;
  return el('li', {},
    el('code', { text: name }),
    scope.riskLevel ? el('span', { className: `badge risk risk-${scope.riskLevel}`, text: scope.riskLevel }) : null,
    what ? el('span', { className: 'scope-allows', text: ` ${what}` }) : null);
}

function permissionItem(p: Simulation['permissionsRequested'][number]): HTMLElement {
  if (typeof p === 'string') return el('li', { text: p });
  return el('li', {}, el('code', { text: p.permission ?? p.name ?? 'permission' }),
    p.riskLevel ? el('span', { className: `badge risk risk-${p.riskLevel}`, text: p.riskLevel }) : null,
    p.description ? ` ${p.description}` : null);
}

/** What the simulation says for one action, as a reader would say it. */
export function decisionText(a: SimulatedAction): string {
  if (!a.enabled) return 'Not enabled: this action will not run.';
  if (a.decision === 'allow') return 'Allowed without approval.';
  if (a.decision === 'blocked') return 'Blocked.';
  const who = a.group ? ` by ${a.group}` : '';
  const quorum = a.quorum && a.quorum > 1 ? ` (${a.quorum} approvals)` : a.quorum === 1 ? ' (1 approval)' : '';
  return `Needs approval${who}${quorum}.`;
}

function decisionCell(a: SimulatedAction): HTMLElement {
  const state = a.enabled ? a.decision : 'disabled';
  const why = a.rule && a.reason && a.reason !== a.rule ? `Rule: ${a.rule} (${a.reason})` : a.rule ? `Rule: ${a.rule}` : a.reason;
  return el('div', { className: 'decision' },
    el('span', { className: `badge decision-${state}`, text: decisionText(a) }),
    why ? el('span', { className: 'rule', text: why }) : null);
}

export async function installReviewPage(connectorId: string): Promise<HTMLElement> {
  const account = session()?.account;
  const isAdmin = account?.role === 'admin';
  const path = `/console/api/connectors/${encodeURIComponent(connectorId)}`;
  const [{ listings }, { installs }, registration] = await Promise.all([
    api.get<{ listings: Listing[] }>('/console/api/marketplace'),
    api.get<{ installs: Install[] }>('/console/api/connectors').catch(() => ({ installs: [] as Install[] })),
    // The tenant's own app at the provider: Enable needs it registered first.
    isProvider(connectorId)
      ? api.get<AppRegistrationAnswer>(`/console/api/app-registrations/${connectorId}`).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))
      : undefined,
  ]);
  let install = installs.find((i) => i.connectorId === connectorId);
  // A review in progress opens with the actions its requester ticked.
  const requested = install?.status === 'pending_review' ? requestedActionsOf(install) : undefined;
  const first = await api.post<Simulation>(`${path}/simulate`, requested ? { enableActions: requested } : {});
  const listing = listings.find((l) => l.connectorId === connectorId);
  const title = listing?.title ?? connectorId;
  const names = new Map(first.actions.map((a) => [a.actionId, a.name]));

  const status = messageRegion('status');
  status.id = 'review-status';
  const error = messageRegion('alert');
  error.id = 'review-error';
  const progress = el('p', { id: 'install-progress', className: 'progress', attrs: { role: 'status', 'aria-live': 'polite' } });

  // One row per action; the checkbox label names the action, the decision cell is re-rendered.
  const rows = new Map<string, { checkbox: HTMLInputElement; decision: HTMLElement; row: HTMLElement }>();
  const tbody = el('tbody');
  for (const action of first.actions) {
    const id = uniqueId('enable');
    const checkbox = el('input', { id, attrs: { type: 'checkbox', name: 'enableActions', value: action.actionId } });
    checkbox.checked = action.enabled;
    const decision = el('td', { className: 'decision-cell', attrs: { 'data-label': 'Policy decision' } }, decisionCell(action));
    const row = el('tr', { attrs: { 'data-action-id': action.actionId, 'data-decision': action.decision, 'data-enabled': String(action.enabled) } },
      el('td', {}, el('div', { className: 'enable-cell' }, checkbox, el('label', { attrs: { for: id } }, el('span', { className: 'action-name', text: action.name }), el('code', { className: 'action-id', text: action.actionId })))),
      el('td', { attrs: { 'data-label': 'Risk' } }, el('span', { className: `badge risk risk-${action.riskLevel}`, text: action.riskLevel })),
      el('td', { text: action.scopes.length ? action.scopes.join(', ') : 'none', attrs: { 'data-label': 'Scopes' } }),
      decision);
    rows.set(action.actionId, { checkbox, decision, row });
    tbody.appendChild(row);
  }

  const ticked = () => [...rows.entries()].filter(([, r]) => r.checkbox.checked).map(([actionId]) => actionId);

  let sequence = 0;
  const resimulate = async () => {
    const mine = ++sequence;
    status.textContent = 'Simulating policy…';
    error.textContent = '';
    try {
      const result = await api.post<Simulation>(`${path}/simulate`, { enableActions: ticked() });
      if (mine !== sequence) return; // a later change is already being simulated
      for (const action of result.actions) {
        const r = rows.get(action.actionId);
        if (!r) continue;
        replaceChildren(r.decision, decisionCell(action));
        r.row.setAttribute('data-decision', action.decision);
        r.row.setAttribute('data-enabled', String(action.enabled));
      }
      status.textContent = 'Simulation updated.';
    } catch (err) {
      if (mine !== sequence) return;
      status.textContent = '';
      error.textContent = err instanceof Error ? err.message : 'The simulation failed.';
    }
  };
  for (const r of rows.values()) r.checkbox.addEventListener('change', () => void resimulate());

  const table = el('table', { id: 'simulation', className: 'simulation' },
    el('caption', { text: 'Actions and the policy simulation (tick an action to enable it)' }),
    el('thead', {}, el('tr', {},
      el('th', { text: 'Enable', attrs: { scope: 'col' } }),
      el('th', { text: 'Risk', attrs: { scope: 'col' } }),
      el('th', { text: 'Scopes', attrs: { scope: 'col' } }),
      el('th', { text: 'Policy decision', attrs: { scope: 'col' } }))),
    tbody);

  // The progress line, the buttons that fit the install's status, and the boxes only while they can still matter.
  const controls = el('div', { id: 'install-controls' });
  let following = false;
  const show = (next: Install | undefined): void => {
    install = next;
    progress.textContent = progressText(install, names);
    progress.setAttribute('data-status', install?.status ?? 'not_installed');
    const canChoose = isAdmin && (!install || !inProgress.has(install.status) || install.status === 'pending_review');
    for (const r of rows.values()) r.checkbox.disabled = !canChoose;
    replaceChildren(controls, installControls({ connectorId, title, path, install, account, ticked, status, error, onSubmitted: follow }));
  };
  function follow(): void {
    if (following) return;
    following = true;
    followInstall(connectorId, install, (next) => {
      show(next);
      if (next && !inProgress.has(next.status)) {
        following = false;
        status.textContent = ''; // the progress line now says how it ended
      }
    });
  }
  show(install);
  if (install && inProgress.has(install.status)) follow();

  return el('section', { attrs: { 'aria-labelledby': 'review-title' } },
    el('p', {}, el('a', { text: '← Marketplace', attrs: { href: '#/marketplace' } })),
    el('h1', { id: 'review-title', text: `Review install: ${title}` }),
    listing ? el('p', { className: 'lead', text: listing.summary }) : null,
    progress,
    el('div', { className: 'two-col' },
      el('section', { className: 'card', attrs: { 'aria-labelledby': 'scopes-title' } },
        el('h2', { id: 'scopes-title', text: 'Requested scopes' }),
        first.scopes.length ? el('ul', { id: 'scopes', className: 'plain' }, ...first.scopes.map((sc) => scopeItem(sc, first.actions))) : el('p', { text: 'No scopes requested.' })),
      el('section', { className: 'card', attrs: { 'aria-labelledby': 'permissions-title' } },
        el('h2', { id: 'permissions-title', text: 'Requested permissions' }),
        first.permissionsRequested.length ? el('ul', { id: 'permissions', className: 'plain' }, ...first.permissionsRequested.map(permissionItem)) : el('p', { text: 'No permissions requested.' }))),
    el('div', { className: 'table-wrap' }, table),
    isProvider(connectorId) && registration ? appRegistrationCard({ provider: connectorId, answer: registration, account, onSaved: () => { error.textContent = ''; } }) : null,
    status, error, controls);
}
