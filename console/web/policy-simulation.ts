/**
 * A policy simulation as a table: every connector action with its decision in force and under the
 * draft, the ones the draft changes first.
 */
import { el } from './dom';
import type { Simulation, Verdict } from './policy-api';

function verdictText(v: Verdict | undefined): string {
  if (!v) return 'not simulated';
  if (v.decision === 'allow') return 'Allowed';
  if (v.decision === 'blocked') return 'Blocked';
  return `Needs approval${v.group ? ` by ${v.group}` : ''}${v.quorum ? ` (quorum ${v.quorum})` : ''}`;
}

export function simulationTable(sim: Simulation): HTMLElement {
  const rows = sim.connectors.flatMap((c) => c.actions.map((a) => ({ connectorId: c.connectorId, a })))
    .sort((x, y) => Number(y.a.changed) - Number(x.a.changed));
  return el('div', { className: 'table-wrap' },
    el('table', { id: 'policy-simulation', className: 'data' },
      el('caption', { text: sim.changed ? `${sim.changed} decision${sim.changed === 1 ? '' : 's'} would change under this draft` : 'No decision would change under this draft' }),
      el('thead', {}, el('tr', {}, ...['Action', 'In force', 'Draft', 'Rule'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...rows.map(({ a }) => el('tr', { attrs: { 'data-action-id': a.actionId, 'data-changed': String(a.changed) } },
        el('td', { attrs: { 'data-label': 'Action' } }, el('code', { text: a.actionId }), a.changed ? el('span', { className: 'badge changed', text: 'changes' }) : null),
        el('td', { attrs: { 'data-label': 'In force' } }, el('span', { className: `badge decision-${a.inForce?.decision ?? 'none'}`, text: verdictText(a.inForce) })),
        el('td', { attrs: { 'data-label': 'Draft', 'data-decision': a.draft.decision } }, el('span', { className: `badge decision-${a.draft.decision}`, text: verdictText(a.draft) })),
        el('td', { attrs: { 'data-label': 'Rule' } }, el('span', { className: 'rule', text: `${a.draft.rule}: ${a.draft.reason}` })))))));
}
