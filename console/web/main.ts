/**
 * The admin console: a hash router over small pages. `#/login`, `#/marketplace`,
 * `#/connectors/:id/review`. Pages are plain DOM built with textContent; no inline script or style
 * (the page's Content-Security-Policy forbids both).
 */
import { loadSession, logout, session, whenUnauthorized } from './api';
import { el, replaceChildren } from './dom';
import { inboxPage } from './inbox-page';
import { installReviewPage } from './install-review-page';
import { loginPage } from './login-page';
import { marketplacePage } from './marketplace-page';
import { connectionsPage } from './connections-page';
import { policyPage } from './policy-page';
import { runsPage } from './runs-page';
import { runPage } from './run-page';
import { auditPage } from './audit-page';

type Route = { name: 'connections' } | { name: 'policy' } | { name: 'login' } | { name: 'marketplace' } | { name: 'inbox' } | { name: 'review'; connectorId: string }
  | { name: 'runs' } | { name: 'run'; workflowId: string } | { name: 'audit' };

function parse(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/marketplace';
  if (path === '/login') return { name: 'login' };
  if (path === '/connections') return { name: 'connections' };
  if (path === '/policy') return { name: 'policy' };
  const review = /^\/connectors\/([^/]+)\/review$/.exec(path);
  if (review) return { name: 'review', connectorId: decodeURIComponent(review[1]!) };
  if (/^\/runs(\?.*)?$/.test(path)) return { name: 'runs' };
  const run = /^\/runs\/([^/?]+)$/.exec(path);
  if (run) return { name: 'run', workflowId: decodeURIComponent(run[1]!) };
  if (/^\/audit(\?.*)?$/.test(path)) return { name: 'audit' };
  if (path === '/inbox') return { name: 'inbox' };
  return { name: 'marketplace' };
}

function go(hash: string): void {
  if (window.location.hash === hash) void render();
  else window.location.hash = hash;
}

function header(): HTMLElement {
  const account = session()?.account;
  const nav = el('nav', { attrs: { 'aria-label': 'Main' } },
    account ? el('a', { text: 'Marketplace', attrs: { href: '#/marketplace' } }) : null,
    account ? el('a', { text: 'Connections', attrs: { href: '#/connections' } }) : null,
    account ? el('a', { text: 'Policy', attrs: { href: '#/policy' } }) : null,
    account ? el('a', { text: 'Inbox', attrs: { href: '#/inbox' } }) : null,
    account ? el('a', { text: 'Runs', attrs: { href: '#/runs' } }) : null,
    account ? el('a', { text: 'Audit trail', attrs: { href: '#/audit' } }) : null);
  const who = account
    ? el('div', { className: 'who' },
      el('span', { id: 'signed-in-as', text: `${account.email} · ${account.role} · ${account.tenant}` }),
      el('button', { className: 'secondary', text: 'Sign out', attrs: { type: 'button' }, on: { click: () => void logout().finally(() => go('#/login')) } }))
    : null;
  return el('header', { className: 'topbar' }, el('span', { className: 'brand', text: 'Gatehouse' }), nav, who);
}

let renders = 0;
async function render(): Promise<void> {
  const mine = ++renders;
  const root = document.getElementById('app');
  if (!root) return;
  const route = parse(window.location.hash);
  const main = el('main', { id: 'main', attrs: { tabindex: '-1', 'aria-busy': 'true' } }, el('p', { className: 'loading', text: 'Loading…' }));
  try {
    if (route.name !== 'login' && !session()) await loadSession();
    if (mine !== renders) return;
    if (route.name !== 'login' && !session()) return go('#/login');
    replaceChildren(root, header(), main);
    let page: HTMLElement;
    if (route.name === 'login') page = loginPage(() => go('#/marketplace'));
    else if (route.name === 'review') page = await installReviewPage(route.connectorId);
    else if (route.name === 'connections') page = await connectionsPage();
    else if (route.name === 'policy') page = await policyPage();
    else if (route.name === 'inbox') page = await inboxPage();
    else if (route.name === 'runs') page = await runsPage();
    else if (route.name === 'run') page = await runPage(route.workflowId);
    else if (route.name === 'audit') page = await auditPage();
    else page = await marketplacePage();
    if (mine !== renders) return;
    replaceChildren(main, page);
    document.title = `${page.querySelector('h1')?.textContent ?? 'Console'} · Gatehouse`;
    if (route.name !== 'login') main.focus();
  } catch (err) {
    if (mine !== renders) return;
    if (!root.contains(main)) replaceChildren(root, header(), main);
    replaceChildren(main, el('p', { className: 'message message-alert', attrs: { role: 'alert' }, text: err instanceof Error ? err.message : 'Something went wrong.' }));
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

whenUnauthorized(() => go('#/login'));
window.addEventListener('hashchange', () => void render());
void render();
