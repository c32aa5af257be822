/**
 * Modals as Slack runs them: a click issues a trigger_id (valid 3 s, once, for that user);
 * `views.open` spends it to open a modal; the user's submit sends a signed `view_submission`
 * to the app, whose answer either closes the modal (an empty 200) or keeps it open with
 * per-block errors (`{"response_action":"errors","errors":{block_id: message}}`).
 */
import { randomBytes } from 'node:crypto';
import { isRecord } from './blocks';

/** Slack: "trigger_id … expires in 3 seconds". */
const TRIGGER_LIFETIME_MS = 3_000;

interface TriggerRecord {
  teamId: string;
  userId: string;
  issuedAt: number;
  used: boolean;
}

/** A modal opened by views.open, as tests see it. */
export interface OpenedView {
  id: string;
  teamId: string;
  userId: string;
  callbackId: string;
  privateMetadata: string;
  /** The view as the app sent it. */
  view: Record<string, unknown>;
  /** Closed by a submission the app accepted. */
  closed: boolean;
  /** Errors of the last refused submission, by block_id. */
  errors?: Record<string, string>;
}

export class ModalStore {
  private readonly triggers = new Map<string, TriggerRecord>();
  private readonly opened = new Map<string, OpenedView>();
  private counter = 0;

  /** A fresh trigger_id for a click by `userId` in `teamId`. */
  issueTrigger(teamId: string, userId: string): string {
    this.counter += 1;
    const id = `${this.counter}.${teamId.replace(/\D/g, '') || '1'}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { teamId, userId, issuedAt: Date.now(), used: false });
    return id;
  }

  /** views.open: spends the trigger and stores the modal, or names Slack's error. */
  open(teamId: string, triggerId: string | undefined, view: unknown): { ok: true; view: OpenedView } | { ok: false; error: string } {
    const trigger = triggerId === undefined ? undefined : this.triggers.get(triggerId);
    if (trigger === undefined || trigger.teamId !== teamId || trigger.used) return { ok: false, error: 'invalid_trigger_id' };
    if (Date.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return { ok: false, error: 'expired_trigger_id' };
    if (!isRecord(view) || view['type'] !== 'modal' || !isRecord(view['title']) || !Array.isArray(view['blocks'])) {
      return { ok: false, error: 'invalid_arguments' };
    }
    const hasInputs = view['blocks'].some((b) => isRecord(b) && b['type'] === 'input');
    if (hasInputs && !isRecord(view['submit'])) return { ok: false, error: 'invalid_arguments' };
    trigger.used = true;
    this.counter += 1;
    const opened: OpenedView = {
      id: `V${String(this.counter).padStart(10, '0')}`, teamId, userId: trigger.userId,
      callbackId: typeof view['callback_id'] === 'string' ? view['callback_id'] : '',
      privateMetadata: typeof view['private_metadata'] === 'string' ? view['private_metadata'] : '',
      view: structuredClone(view), closed: false,
    };
    this.opened.set(opened.id, opened);
    return { ok: true, view: opened };
  }

  view(id: string): OpenedView | undefined {
    return this.opened.get(id);
  }

  /** Records what the app answered to a submission: closed, or still open with errors. */
  settle(id: string, closed: boolean, errors: Record<string, string> | undefined): void {
    const view = this.opened.get(id);
    if (view === undefined) return;
    view.closed = closed;
    if (errors === undefined) delete view.errors;
    else view.errors = errors;
  }

  /** Modals opened so far, oldest first, optionally for one user. Copies. */
  list(userId?: string): OpenedView[] {
    return [...this.opened.values()].filter((v) => userId === undefined || v.userId === userId).map((v) => structuredClone(v));
  }
}

/** The `view` object Slack returns from views.open and sends in view_submission. */
export function viewJson(v: OpenedView, values: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    ...v.view, id: v.id, team_id: v.teamId, callback_id: v.callbackId, private_metadata: v.privateMetadata,
    state: { values }, hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
  };
}

/** Plain-text input values as the view's state carries them: block_id → action_id → value. */
export function inputState(view: OpenedView, values: Record<string, Record<string, string>>): Record<string, Record<string, unknown>> {
  const blocks = (view.view['blocks'] as unknown[]).filter((b): b is Record<string, unknown> => isRecord(b) && b['type'] === 'input');
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    const blockId = typeof block['block_id'] === 'string' ? block['block_id'] : '';
    const element = isRecord(block['element']) ? block['element'] : {};
    const actionId = typeof element['action_id'] === 'string' ? element['action_id'] : '';
    const value = values[blockId]?.[actionId];
    state[blockId] = { [actionId]: { type: element['type'], value: value ?? null } };
  }
  return state;
}
