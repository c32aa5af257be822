/**
 * The install review: what the connector asks for (scopes, permissions), each action with its risk
 * and what policy would decide for it, simulated again whenever a box is ticked or unticked. Only
 * an admin can press Enable; everybody else reads the page.
 */
import { api, ApiError, session } from './api';
import { el, messageRegion, replaceChildren, uniqueId } from './dom';
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
  const [{ listings }, { installs }, first] = await Promise.all([
    api.get<{ listings: Listing[] }>('/console/api/marketplace'),
    api.get<{ installs: Install[] }>('/console/api/connectors').catch(() => ({ installs: [] as Install[] })),
    api.post<Simulation>(`${path}/simulate`, {}),
  ]);
  const listing = listings.find((l) => l.connectorId === connectorId);
  const install = installs.find((i) => i.connectorId === connectorId);
  const title = listing?.title ?? connectorId;

  const status = messageRegion('status');
  status.id = 'review-status';
  const error = messageRegion('alert');
  error.id = 'review-error';

  // One row per action; the checkbox label names the action, the decision cell is re-rendered.
  const rows = new Map<string, { checkbox: HTMLInputElement; risk: HTMLElement; decision: HTMLElement; row: HTMLElement }>();
  const tbody = el('tbody');
  for (const action of first.actions) {
    const id = uniqueId('enable');
    const checkbox = el('input', { id, attrs: { type: 'checkbox', name: 'enableActions', value: action.actionId } });
    checkbox.checked = action.enabled;
    checkbox.disabled = !isAdmin;
    const decision = el('td', { className: 'decision-cell', attrs: { 'data-label': 'Policy decision' } }, decisionCell(action));
    const risk = el('td', { attrs: { 'data-label': 'Risk' } }, el('span', { className: `badge risk risk-${action.riskLevel}`, text: action.riskLevel }));
    const row = el('tr', { attrs: { 'data-action-id': action.actionId, 'data-decision': action.decision, 'data-enabled': String(action.enabled) } },
      el('td', {}, el('div', { className: 'enable-cell' }, checkbox, el('label', { attrs: { for: id } }, el('span', { className: 'action-name', text: action.name }), el('code', { className: 'action-id', text: action.actionId })))),
      risk,
      el('td', { text: action.scopes.length ? action.scopes.join(', ') : 'none', attrs: { 'data-label': 'Scopes' } }),
      decision);
    rows.set(action.actionId, { checkbox, risk, decision, row });
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

  let footer: HTMLElement;
  if (isAdmin) {
    const enable = el('button', { id: 'enable-button', text: `Enable ${title}`, attrs: { type: 'button' } });
    enable.addEventListener('click', () => {
      enable.disabled = true;
      error.textContent = '';
      status.textContent = 'Starting the install…';
      api.post<{ workflowId?: string; status?: string; startUrl?: string }>(`${path}/install`, { enableActions: ticked() })
        .then((answer) => {
          if (answer.startUrl) {
            status.textContent = 'Continuing at the provider to grant access…';
            window.location.assign(answer.startUrl);
            return;
          }
          status.textContent = `Install started (${answer.status ?? 'pending'}).`;
          void followInstall(connectorId, status);
        })
        .catch((err: unknown) => {
          status.textContent = '';
          error.textContent = err instanceof ApiError && err.code === 'forbidden'
            ? 'Only a tenant admin can enable a connector.'
            : err instanceof Error ? err.message : 'The install could not be started.';
          enable.disabled = false;
        });
    });
    footer = el('div', { className: 'actions' }, enable);
  } else {
    footer = el('p', { id: 'read-only-note', className: 'note', text: `You are signed in as ${account?.role ?? 'a non-admin'}: this review is read-only. Only a tenant admin can change the actions or enable the connector.` });
  }

  return el('section', { attrs: { 'aria-labelledby': 'review-title' } },
    el('p', {}, el('a', { text: '← Marketplace', attrs: { href: '#/marketplace' } })),
    el('h1', { id: 'review-title', text: `Review install: ${title}` }),
    listing ? el('p', { className: 'lead', text: listing.summary }) : null,
    install ? el('p', { className: 'note', text: `Current install status: ${install.status}.` }) : null,
    el('div', { className: 'two-col' },
      el('section', { className: 'card', attrs: { 'aria-labelledby': 'scopes-title' } },
        el('h2', { id: 'scopes-title', text: 'Requested scopes' }),
        first.scopes.length ? el('ul', { id: 'scopes', className: 'plain' }, ...first.scopes.map((sc) => scopeItem(sc, first.actions))) : el('p', { text: 'No scopes requested.' })),
      el('section', { className: 'card', attrs: { 'aria-labelledby': 'permissions-title' } },
        el('h2', { id: 'permissions-title', text: 'Requested permissions' }),
        first.permissionsRequested.length ? el('ul', { id: 'permissions', className: 'plain' }, ...first.permissionsRequested.map(permissionItem)) : el('p', { text: 'No permissions requested.' }))),
    el('div', { className: 'table-wrap' }, table),
    status, error, footer);
}

const failed = new Set(['healthcheck_failed', 'rejected', 'expired']);

/** Follows the install by polling until it is enabled or failed (or the page moved on). */
async function followInstall(connectorId: string, status: HTMLElement): Promise<void> {
  const startedOn = window.location.hash;
  for (let i = 0; i < 150 && window.location.hash === startedOn; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    try {
      const { installs } = await api.get<{ installs: Install[] }>('/console/api/connectors');
      const install = installs.find((x) => x.connectorId === connectorId);
      if (!install) continue;
      const reason = typeof install.detail?.['reason'] === 'string' ? `: ${install.detail['reason']}` : '';
      status.textContent = failed.has(install.status) ? `Install ${install.status.replace(/_/g, ' ')}${reason}` : `Install status: ${install.status}.`;
      if (install.status === 'enabled' || failed.has(install.status)) return;
    } catch {
      return;
    }
  }
}
