/** The marketplace: every listing with its category, status, risk, actions and safety notes. */
import { api } from './api';
import { el } from './dom';
import { installStatusLabel } from './install-progress';
import type { Install, Listing } from './types';

const actionKinds: Record<string, string> = {
  read: 'Read',
  draft: 'Draft',
  write_after_approval: 'Write after approval',
};

function listingCard(listing: Listing, install: Install | undefined): HTMLElement {
  const titleId = `listing-title-${listing.connectorId}`;
  const facts = el('dl', { className: 'facts' },
    el('dt', { text: 'Category' }), el('dd', { text: listing.category }),
    el('dt', { text: 'Status' }), el('dd', {}, el('span', { className: `badge status-${listing.status}`, text: listing.status === 'available' ? 'Available' : 'Planned' })),
    el('dt', { text: 'Risk level' }), el('dd', {}, el('span', { className: `badge risk risk-${listing.riskLevel}`, text: listing.riskLevel })),
    el('dt', { text: 'Supported actions' }), el('dd', { text: listing.supportedActions.map((k) => actionKinds[k] ?? k).join(', ') || 'None' }),
    install ? el('dt', { text: 'Installed' }) : null,
    install ? el('dd', {}, el('span', { className: `badge install-${install.status}`, text: installStatusLabel(install.status) })) : null,
  );
  const notes = el('ul', { className: 'notes' }, ...listing.safetyNotes.map((n) => el('li', { text: n })));
  const footer = listing.installable
    ? el('a', { className: 'button', text: install ? 'Review' : 'Review install', attrs: { href: `#/connectors/${encodeURIComponent(listing.connectorId)}/review`, 'aria-describedby': titleId } })
    : el('p', { className: 'not-installable', text: 'Planned: not installable yet.' });
  return el('article', { className: 'card listing', attrs: { 'aria-labelledby': titleId, 'data-connector-id': listing.connectorId, 'data-status': listing.status, 'data-installable': String(listing.installable) } },
    el('h2', { id: titleId, text: listing.title }),
    el('p', { className: 'summary', text: listing.summary }),
    facts,
    el('h3', { text: 'Safety notes' }), notes,
    el('div', { className: 'actions' }, footer));
}

export async function marketplacePage(): Promise<HTMLElement> {
  const [{ listings }, { installs }] = await Promise.all([
    api.get<{ listings: Listing[] }>('/console/api/marketplace'),
    api.get<{ installs: Install[] }>('/console/api/connectors').catch(() => ({ installs: [] as Install[] })),
  ]);
  const byConnector = new Map(installs.map((i) => [i.connectorId, i]));
  const ordered = [...listings].sort((a, b) => Number(b.installable) - Number(a.installable) || a.title.localeCompare(b.title));
  return el('section', { attrs: { 'aria-labelledby': 'marketplace-title' } },
    el('h1', { id: 'marketplace-title', text: 'Marketplace' }),
    el('p', { className: 'lead', text: 'Connectors this Gatehouse can install. Every install is reviewed first: you see the scopes it asks for and what policy will allow before enabling anything.' }),
    listings.length
      ? el('div', { id: 'listings', className: 'grid' }, ...ordered.map((l) => listingCard(l, byConnector.get(l.connectorId))))
      : el('p', { text: 'No connectors are listed.' }));
}
