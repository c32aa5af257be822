/**
 * The policy form's building blocks: a labelled control with an optional hint and a message slot
 * that the control names in aria-describedby (so a screen reader reads the problem with the
 * field), a select, and a time typed as an amount and a unit. Every control has a visible label.
 */
import { el, type Child } from './dom';
import { timeUnits, type Duration, type FieldKey, type TimeUnit } from './policy-draft';

/** Where a field's problems are shown, and what is marked invalid and focused for them. */
export interface FieldSlot {
  /** Marked aria-invalid; the first is focused. */
  controls: HTMLElement[];
  message: HTMLElement;
}
export type SlotMap = Map<FieldKey, FieldSlot>;

let next = 0;
const id = (prefix: string): string => `${prefix}-${++next}`;

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A control whose aria-describedby names its hint (if any) and its message slot. */
export function describedBy(control: HTMLElement, hint: HTMLElement | null, message: HTMLElement): void {
  control.setAttribute('aria-describedby', [hint?.id, message.id].filter(Boolean).join(' '));
}

export function messageSlot(): HTMLElement {
  return el('p', { id: id('policy-field-message'), className: 'field-message' });
}

export function hintText(text: string): HTMLElement {
  return el('span', { id: id('policy-field-hint'), className: 'field-hint', text });
}

/** `control` under a visible label, with its hint and message slot. */
export function labelled(label: string, control: Control, opts: { hint?: string; extra?: Child; className?: string } = {}): { element: HTMLElement; slot: FieldSlot } {
  control.id ||= id('policy-field');
  const hint = opts.hint ? hintText(opts.hint) : null;
  const message = messageSlot();
  describedBy(control, hint, message);
  return {
    element: el('div', { className: `field policy-field ${opts.className ?? ''}`.trim() },
      el('label', { text: label, attrs: { for: control.id } }), hint, control, opts.extra, message),
    slot: { controls: [control], message },
  };
}

export function selectOf(options: ReadonlyArray<readonly [value: string, label: string]>, value: string): HTMLSelectElement {
  const select = el('select', {}, ...options.map(([v, text]) => el('option', { text, attrs: { value: v } })));
  select.value = value;
  return select;
}

export function textInput(value: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const input = el('input', { attrs: { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs } });
  input.value = value;
  return input;
}

/** A whole number box; what the browser could not read as a number is kept as text to report. */
export function numberInput(value: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const input = el('input', { attrs: { type: 'number', inputmode: 'numeric', step: 'any', ...attrs } });
  input.value = value;
  return input;
}

export function numberText(input: HTMLInputElement): string {
  return input.validity.badInput ? 'not a number' : input.value;
}

const unitLabels: Record<TimeUnit, string> = { seconds: 'seconds', minutes: 'minutes', hours: 'hours' };

/** A time: the amount under the visible label, its unit named by the same label. */
export function durationField(label: string, value: Duration, hint: string): { element: HTMLElement; slot: FieldSlot; read(): Duration } {
  const amount = numberInput(value.amount, { min: '0', class: 'duration-amount' });
  amount.id = id('policy-duration');
  const unit = selectOf((Object.keys(timeUnits) as TimeUnit[]).map((u) => [u, unitLabels[u]] as const), value.unit);
  const labelId = id('policy-duration-label');
  const unitWord = el('span', { id: id('policy-duration-unit'), className: 'sr-only', text: 'unit' });
  unit.setAttribute('aria-labelledby', `${labelId} ${unitWord.id}`);
  const hintEl = hintText(hint);
  const message = messageSlot();
  describedBy(amount, hintEl, message);
  describedBy(unit, hintEl, message);
  return {
    element: el('div', { className: 'field policy-field' },
      el('label', { id: labelId, text: label, attrs: { for: amount.id } }), hintEl,
      el('div', { className: 'duration' }, amount, unitWord, unit),
      message),
    slot: { controls: [amount, unit], message },
    read: () => ({ amount: numberText(amount), unit: unit.value as TimeUnit }),
  };
}

/** A small button that is a real button (never submits a form). */
export function smallButton(text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { text, className: 'secondary-light small', attrs: { type: 'button', ...attrs }, on: { click: onClick } });
}
