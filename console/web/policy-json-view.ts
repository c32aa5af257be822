/**
 * The policy as a JSON document, the "Edit as JSON" view of the policy page: a textarea and the
 * list of problems by field path, where choosing a problem selects that field in the text.
 */
import { el, replaceChildren, uniqueId } from './dom';
import type { Issue } from './policy-issue-paths';

/** Where the field at `path` (e.g. `tiers.high.quorum`) is named in the JSON text, for selecting it. */
export function locate(text: string, path: string): { start: number; end: number } | undefined {
  let from = 0;
  let found: { start: number; end: number } | undefined;
  for (const key of path.split('.').filter(Boolean)) {
    if (/^\d+$/.test(key)) continue;
    const at = text.indexOf(JSON.stringify(key), from);
    if (at < 0) return found;
    found = { start: at, end: at + JSON.stringify(key).length };
    from = found.end;
  }
  return found;
}

export interface JsonView {
  /** The labelled editor. */
  element: HTMLElement;
  /** The problems list, placed by the page next to the editor. */
  issues: HTMLElement;
  setDocument(document: unknown): void;
  /** The parsed text, or why it does not parse. */
  parse(): { ok: true; value: unknown } | { ok: false; error: string };
  showIssues(list: readonly Issue[]): void;
}

export function jsonView(): JsonView {
  const editorId = uniqueId('policy-editor');
  const issues = el('ul', { id: 'policy-issues', className: 'issues', attrs: { 'aria-live': 'polite', 'aria-label': 'Problems in the draft' } });
  const editor = el('textarea', {
    id: editorId, className: 'policy-editor',
    attrs: { rows: '24', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': `${issues.id} policy-editor-hint` },
  });

  const showIssues = (list: readonly Issue[]): void => {
    editor.setAttribute('aria-invalid', list.length ? 'true' : 'false');
    replaceChildren(issues, ...list.map((issue) => el('li', { attrs: { 'data-path': issue.path } },
      el('button', {
        className: 'link', text: issue.path || '(the whole document)', attrs: { type: 'button', title: 'Select this field in the editor' },
        on: {
          click: () => {
            const at = locate(editor.value, issue.path);
            editor.focus();
            if (at) editor.setSelectionRange(at.start, at.end);
          },
        },
      }),
      el('span', { className: 'issue-message', text: `: ${issue.message}` }))));
  };

  return {
    element: el('div', { className: 'field' },
      el('label', { text: 'Policy document (JSON)', attrs: { for: editorId } }),
      el('span', { id: 'policy-editor-hint', className: 'rule', text: 'Validate or simulate before saving: problems are listed next to the editor by the field\'s path.' }),
      editor),
    issues,
    setDocument: (document) => { editor.value = JSON.stringify(document, null, 2); },
    parse: () => {
      try {
        return { ok: true, value: JSON.parse(editor.value) as unknown };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    showIssues,
  };
}
