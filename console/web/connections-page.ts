/**
 * The connections page: each install's status and last healthcheck; for admins a smoke test
 * (every step's outcome and timing) and a disconnect that first shows what will be deleted here
 * and revoked at the provider, and only goes ahead once the connector id is typed.
 */
import { api, ApiError } from './api';
import { installStatusLabel } from './install-progress';
import { el, messageRegion, replaceChildren, uniqueId } from './dom';

interface LastHealthcheck { outcome: string; detail: string; durationMs: number | null; at: string; source: 'install' | 'smoke_test' }
interface Connection {
  connectorId: string; name: string; status: string; manifestVersion: string; enabledActions: string[];
  updatedAt: string; detail?: string; installable: boolean; lastHealthcheck: LastHealthcheck | null;
  grant: { type: string; status: 'active' | 'needs_reauthorization'; reauthReason: string | null; refreshedAt: string | null } | null;
  /** Scopes the provider granted beyond the manifest after install, waiting for an admin. */
  heldFor: string[];
}
interface SmokeReport { passed: boolean; steps: Array<{ step: string; outcome: 'pass' | 'fail' | 'skipped'; durationMs: number; detail: string }> }
interface Preview {
  connectorId: string; name: string;
  deleted: { credentials: string[]; oauthGrant: boolean; routeTokens: number; cachedData: boolean };
  revoked: { atProvider: boolean; description: string };
  retained: string;
  confirmWith: string;
}
interface DisconnectResult { revokedAtProvider: boolean; revocationDetail: string; deletedCredentials: string[]; revokedRouteTokens: number; grant?: string }

const outcomeText: Record<string, string> = { pass: 'Passed', fail: 'Failed', skipped: 'Skipped' };

function healthText(h: LastHealthcheck | null): string {
  if (!h) return 'No healthcheck recorded yet.';
  const when = new Date(h.at).toLocaleString();
  return `${outcomeText[h.outcome] ?? h.outcome} ${when}${h.durationMs !== null ? ` in ${h.durationMs} ms` : ''} (${h.source === 'smoke_test' ? 'smoke test' : 'install'})${h.detail ? `: ${h.detail}` : ''}`;
}

function smokeTable(report: SmokeReport): HTMLElement {
  return el('div', { className: 'table-wrap' },
    el('table', { className: 'data smoke-report', attrs: { 'data-passed': String(report.passed) } },
      el('caption', { text: report.passed ? 'Smoke test passed (nothing was written)' : 'Smoke test failed (nothing was written)' }),
      el('thead', {}, el('tr', {}, ...['Step', 'Outcome', 'Time', 'Detail'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...report.steps.map((s) => el('tr', { attrs: { 'data-step': s.step, 'data-outcome': s.outcome } },
        el('td', { attrs: { 'data-label': 'Step' } }, el('code', { text: s.step })),
        el('td', { attrs: { 'data-label': 'Outcome' } }, el('span', { className: `badge smoke-${s.outcome}`, text: outcomeText[s.outcome] ?? s.outcome })),
        el('td', { attrs: { 'data-label': 'Time' }, text: `${s.durationMs} ms` }),
        el('td', { className: 'detail', attrs: { 'data-label': 'Detail' }, text: s.detail }))))));
}

function previewList(p: Preview): HTMLElement {
  const deleted = [
    p.deleted.credentials.length ? `Stored credentials: ${p.deleted.credentials.join(', ')}` : 'Stored credentials: none stored',
    p.deleted.oauthGrant ? 'The OAuth grant (its access and refresh tokens)' : 'OAuth grant: none',
    `Route tokens disabled: ${p.deleted.routeTokens}`,
    p.deleted.cachedData ? 'Cached data from the provider' : 'Cached data: kept (see data retention)',
  ];
  return el('div', {},
    el('h4', { text: 'Deleted here' }),
    el('ul', { className: 'disconnect-deleted' }, ...deleted.map((d) => el('li', { text: d }))),
    el('h4', { text: 'Revoked at the provider' }),
    el('p', { className: 'disconnect-revoked', text: `${p.revoked.atProvider ? 'Yes. ' : 'No: Gatehouse cannot revoke it there. '}${p.revoked.description}` }),
    el('h4', { text: 'Kept' }),
    el('p', { text: p.retained }));
}

function connectionCard(c: Connection, canManage: boolean, changed: (message: string) => void): HTMLElement {
  const titleId = `connection-title-${c.connectorId}`;
  const status = messageRegion('status');
  const alert = messageRegion('alert');
  const output = el('div', { className: 'connection-output' });
  const fail = (err: unknown) => {
    status.textContent = '';
    alert.textContent = err instanceof ApiError || err instanceof Error ? err.message : 'Something went wrong.';
  };

  const smoke = el('button', {
    text: 'Smoke test', attrs: { type: 'button', 'aria-describedby': titleId },
    on: {
      click: () => {
        smoke.disabled = true;
        alert.textContent = '';
        status.textContent = 'Running the healthcheck and every read action…';
        api.post<SmokeReport>(`/console/api/connectors/${encodeURIComponent(c.connectorId)}/smoke-test`, {})
          .then((report) => {
            status.textContent = report.passed ? 'Smoke test passed.' : 'Smoke test failed: see the steps below.';
            replaceChildren(output, smokeTable(report));
            replaceChildren(health, healthText({ outcome: report.steps[0]?.outcome ?? 'unknown', detail: report.steps[0]?.detail ?? '', durationMs: report.steps[0]?.durationMs ?? null, at: new Date().toISOString(), source: 'smoke_test' }));
          }, fail)
          .finally(() => { smoke.disabled = false; });
      },
    },
  });

  const openDisconnect = async () => {
    alert.textContent = '';
    try {
      const preview = await api.get<Preview>(`/console/api/connectors/${encodeURIComponent(c.connectorId)}/disconnect-preview`);
      const inputId = uniqueId('confirm');
      const headingId = uniqueId('confirm-title');
      const input = el('input', { id: inputId, attrs: { type: 'text', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false' } });
      const confirm = el('button', { className: 'danger', text: `Disconnect ${preview.name}`, attrs: { type: 'button', disabled: '' } });
      const cancel = el('button', { className: 'secondary-light', text: 'Cancel', attrs: { type: 'button' } });
      input.addEventListener('input', () => { confirm.disabled = input.value !== preview.confirmWith; });
      cancel.addEventListener('click', () => { replaceChildren(output); disconnect.focus(); });
      confirm.addEventListener('click', () => {
        confirm.disabled = true;
        status.textContent = 'Disconnecting…';
        api.post<DisconnectResult>(`/console/api/connectors/${encodeURIComponent(c.connectorId)}/disconnect`, { confirm: input.value })
          .then((result) => {
            changed(`${preview.name} disconnected. Deleted: ${result.deletedCredentials.join(', ') || 'no stored credentials'}; ${result.revokedRouteTokens} route token(s) disabled. ${result.revocationDetail}${result.grant ? ` ${result.grant}` : ''}`);
          }, (err: unknown) => { confirm.disabled = false; fail(err); });
      });
      replaceChildren(output, el('section', { className: 'confirm-disconnect note', attrs: { role: 'group', 'aria-labelledby': headingId } },
        el('h3', { id: headingId, text: `Disconnect ${preview.name}?` }),
        previewList(preview),
        el('div', { className: 'field' },
          el('label', { attrs: { for: inputId } }, 'Type ', el('code', { text: preview.confirmWith }), ' to confirm'),
          input),
        el('div', { className: 'actions' }, confirm, cancel)));
      input.focus();
    } catch (err) {
      fail(err);
    }
  };
  const disconnect = el('button', { className: 'danger', text: 'Disconnect…', attrs: { type: 'button', 'aria-describedby': titleId }, on: { click: () => void openDisconnect() } });

  const health = el('dd', { className: 'last-healthcheck', text: healthText(c.lastHealthcheck) });
  const review = `#/connectors/${encodeURIComponent(c.connectorId)}/review`;
  let attention: HTMLElement | null = null;
  if (c.status === 'held_scope_review') {
    const accept = el('button', { text: 'Accept the broader grant', attrs: { type: 'button', 'aria-describedby': titleId } });
    accept.addEventListener('click', () => {
      accept.disabled = true;
      alert.textContent = '';
      status.textContent = 'Accepting the grant…';
      api.post<{ acceptedScopes: string[] }>(`/console/api/connectors/${encodeURIComponent(c.connectorId)}/scopes/accept`, {})
        .then((answer) => changed(`${c.name} is enabled again with the broader grant accepted (${answer.acceptedScopes.join(', ')}).`),
          (err: unknown) => { accept.disabled = false; fail(err); });
    });
    attention = el('div', { className: 'note held-grant', attrs: { 'data-held-for': c.heldFor.join(' ') } },
      el('p', { text: `Held: the provider now grants more than the manifest declares (${c.heldFor.join(', ') || 'unknown scopes'}). Every action is refused until a tenant admin accepts the grant, or authorises the connector again with less.` }),
      canManage ? el('div', { className: 'actions' }, accept, el('a', { text: 'Authorise again', attrs: { href: review } })) : null);
  } else if (c.grant?.status === 'needs_reauthorization') {
    attention = el('div', { className: 'note reauthorize', attrs: { 'data-grant-status': c.grant.status } },
      el('p', { text: `Needs re-authorisation: ${c.grant.reauthReason ?? 'the provider refused the grant'}. Runs that use ${c.name} fail until a tenant admin authorises it again.` }),
      canManage ? el('a', { text: 'Authorise again', attrs: { href: review } }) : null);
  }
  const active = c.status !== 'disconnected';
  return el('article', { className: 'card connection', attrs: { 'aria-labelledby': titleId, 'data-connector-id': c.connectorId, 'data-status': c.status } },
    el('h2', { id: titleId, text: c.name }),
    el('dl', { className: 'facts' },
      el('dt', { text: 'Status' }), el('dd', {}, el('span', { className: `badge install-${c.status}`, text: installStatusLabel(c.status) })),
      c.detail ? el('dt', { text: 'Detail' }) : null, c.detail ? el('dd', { text: c.detail }) : null,
      el('dt', { text: 'Last healthcheck' }), health,
      c.grant ? el('dt', { text: 'Access grant' }) : null,
      c.grant ? el('dd', { className: 'grant', text: `${c.grant.type === 'client_credentials' ? 'OAuth client credentials' : 'OAuth authorisation'}: ${c.grant.status === 'active' ? 'active' : 'needs re-authorisation'}${c.grant.refreshedAt ? `, last refreshed ${new Date(c.grant.refreshedAt).toLocaleString()}` : ''}` }) : null,
      el('dt', { text: 'Enabled actions' }), el('dd', { text: c.enabledActions.join(', ') || 'None' }),
      el('dt', { text: 'Manifest' }), el('dd', { text: c.manifestVersion })),
    attention,
    canManage && active
      ? el('div', { className: 'actions' }, c.installable ? smoke : null, disconnect)
      : null,
    status, alert, output);
}

export async function connectionsPage(): Promise<HTMLElement> {
  const { connections, canManage } = await api.get<{ connections: Connection[]; canManage: boolean }>('/console/api/connections');
  const list = el('div', { id: 'connections', className: 'grid' });
  const pageStatus = messageRegion('status');
  pageStatus.id = 'connections-status';
  const section = el('section', { attrs: { 'aria-labelledby': 'connections-title' } },
    el('h1', { id: 'connections-title', text: 'Connections' }),
    el('p', { className: 'lead', text: canManage
      ? 'Each installed connector with its status and last healthcheck. A smoke test runs the healthcheck and every read action; it writes nothing.'
      : 'Each installed connector with its status and last healthcheck. Only an admin can run a smoke test or disconnect.' }),
    pageStatus,
    list);
  const fill = (items: Connection[]) => replaceChildren(list, ...(items.length
    ? items.map((c) => connectionCard(c, canManage, (message) => {
      pageStatus.textContent = message;
      void api.get<{ connections: Connection[] }>('/console/api/connections').then((r) => fill(r.connections));
    }))
    : [el('p', { text: 'No connector is installed. Install one from the marketplace.' })]));
  fill(connections);
  return section;
}
