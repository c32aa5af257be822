/**
 * Tiny element helpers. Text always goes in as textContent (never innerHTML), so whatever a
 * listing, an account or the server says is shown as text and runs nothing.
 */
export type Child = Node | string | null | undefined | false;

export interface Props {
  id?: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  on?: Partial<{ [E in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[E]) => void }>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.id) node.id = props.id;
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const [type, handler] of Object.entries(props.on ?? {})) node.addEventListener(type, handler as EventListener);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

let uid = 0;
/** A unique id for tying a label (or a description) to its control. */
export function uniqueId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A status or error message region that screen readers announce. */
export function messageRegion(kind: 'status' | 'alert'): HTMLElement {
  return el('p', { className: `message message-${kind}`, attrs: { role: kind, 'aria-live': kind === 'alert' ? 'assertive' : 'polite' } });
}
