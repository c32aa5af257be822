import type { Row } from './types';

/**
 * The base-system business rules the simulator runs on every incident write
 * (wire reference §1 "Priority lookup" and "Incident fields").
 */

/** States after which an incident is no longer active. Resolved (6) stays active until closed. */
const INACTIVE_STATES = new Set(['7', '8']);

/**
 * Base priority lookup: `impact + urgency − 1` over values 1..3.
 * Undefined when either input is not a base choice, so a custom value leaves priority alone.
 */
export function basePriority(impact: string, urgency: string): string | undefined {
  const valid = ['1', '2', '3'];
  if (!valid.includes(impact) || !valid.includes(urgency)) return undefined;
  return String(Number(impact) + Number(urgency) - 1);
}

/**
 * Adds the fields the platform derives from a write to `changes` (mutated and returned):
 * state ↔ incident_state mirroring, priority from impact/urgency unless priority itself was
 * written, resolved_at/closed_at stamps, and `active` from the state.
 */
export function deriveIncidentChanges(current: Row, changes: Row, now: string): Row {
  if (changes.state !== undefined && changes.incident_state === undefined) changes.incident_state = changes.state;
  if (changes.incident_state !== undefined && changes.state === undefined) changes.state = changes.incident_state;

  const touchesMatrix = changes.impact !== undefined || changes.urgency !== undefined;
  if (touchesMatrix && changes.priority === undefined) {
    const priority = basePriority(changes.impact ?? current.impact ?? '', changes.urgency ?? current.urgency ?? '');
    if (priority !== undefined) changes.priority = priority;
  }

  const state = changes.state;
  if (state !== undefined && state !== current.state) {
    if (state === '6' && !current.resolved_at && changes.resolved_at === undefined) changes.resolved_at = now;
    if (state === '7' && !current.closed_at && changes.closed_at === undefined) changes.closed_at = now;
    if (changes.active === undefined) changes.active = INACTIVE_STATES.has(state) ? 'false' : 'true';
  }
  return changes;
}
