/**
 * The "Load more" control under a list the server pages by cursor (Runs, Audit trail): a real
 * button that fetches the next page and appends its rows to the table above, a status line that
 * says how many rows are shown and announces each page loaded, and focus moved to the first added
 * row so keyboard and screen reader users read on from where the new rows start. The button is in
 * the page only while the server says there is more (`next` is not null).
 */
import { el, messageRegion, replaceChildren } from './dom';

export interface LoadMoreOptions<T> {
  /** The button's id; the status line's is `${id}-status`. */
  id: string;
  /** What the button says, e.g. "Load older runs". */
  label: string;
  /** The rows' name, singular and plural: ['run', 'runs']. */
  noun: readonly [string, string];
  /** The page after `cursor`. */
  fetchPage: (cursor: string) => Promise<{ items: T[]; next: string | null }>;
  /** Appends rows for `items` to the table (`shown` rows in all, now); returns the first row added. */
  append: (items: T[], shown: number) => HTMLElement | undefined;
}

export interface LoadMore {
  element: HTMLElement;
  /** A fresh first page is shown: `shown` rows, and the cursor to the next page (null: none). */
  reset(shown: number, next: string | null): void;
  /** The list is gone (its load failed): no count, no button. */
  clear(): void;
}

export function loadMore<T>(opts: LoadMoreOptions<T>): LoadMore {
  const status = messageRegion('status');
  status.id = `${opts.id}-status`;
  // Focus lands here when a page adds no row and the button has gone (the list ended meanwhile).
  status.tabIndex = -1;
  const alert = messageRegion('alert');
  const button = el('button', { id: opts.id, text: opts.label, attrs: { type: 'button' } });
  const slot = el('div', { className: 'actions' });
  const count = (n: number): string => `${n} ${n === 1 ? opts.noun[0] : opts.noun[1]}`;
  let cursor: string | null = null;
  let shown = 0;
  // A new search (reset) makes any page still on its way belong to the old list: it is dropped.
  let generation = 0;
  let busy = false;

  const setNext = (next: string | null): void => {
    cursor = next;
    replaceChildren(slot, next ? button : null);
  };

  const more = async (): Promise<void> => {
    if (busy || cursor === null) return;
    const mine = generation;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    alert.textContent = '';
    status.textContent = `Loading more ${opts.noun[1]}…`;
    try {
      const page = await opts.fetchPage(cursor);
      if (mine !== generation) return;
      shown += page.items.length;
      const first = opts.append(page.items, shown);
      status.textContent = `${page.items.length} more ${page.items.length === 1 ? opts.noun[0] : opts.noun[1]} loaded; ${count(shown)} shown${page.next ? '' : ', all of them'}.`;
      setNext(page.next);
      if (first) first.focus();
      else if (!page.next) status.focus();
    } catch (err) {
      if (mine !== generation) return;
      status.textContent = `${count(shown)} shown.`;
      alert.textContent = err instanceof Error ? err.message : `Could not load more ${opts.noun[1]}.`;
    } finally {
      if (mine === generation) {
        busy = false;
        button.removeAttribute('aria-disabled');
      }
    }
  };
  button.addEventListener('click', () => void more());

  return {
    element: el('div', { className: 'load-more' }, status, alert, slot),
    reset(rows, next) {
      generation += 1;
      busy = false;
      button.removeAttribute('aria-disabled');
      alert.textContent = '';
      shown = rows;
      status.textContent = rows === 0 ? `No ${opts.noun[1]} match.` : `${count(rows)} shown${next ? ', more with the button below' : ''}.`;
      setNext(next);
    },
    clear() {
      generation += 1;
      busy = false;
      shown = 0;
      status.textContent = '';
      alert.textContent = '';
      setNext(null);
    },
  };
}
