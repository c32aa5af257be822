/**
 * The policy page: the document in force, editable as JSON, and its revisions. Validate and
 * Simulate send the draft to the server, which checks it with the same schema as saving; each
 * problem is listed next to the editor under the field's path (choosing one selects that field in
 * the editor), and a simulation shows every connector action whose decision the draft changes.
 * Only an admin can save; saving stores a new revision.
 */
import { ApiError, session } from './api';
import { el, messageRegion, replaceChildren, uniqueId } from './dom';

interface Issue { path: string; message: string }
interface Verdict { decision: string; rule: string; reason: string; group?: string; quorum?: number }
interface SimulatedAction { actionId: string; draft: Verdict; inForce?: Verdict; changed: boolean }
interface Simulation { connectors: Array<{ connectorId: string; actions: SimulatedAction[] }>; changed: number }
interface PolicyView {
  revision: number;
  isDefault: boolean;
  policy: unknown;
  revisions: Array<{ revision: number; createdBy: string | null; createdAt: string }>;
  canSave: boolean;
}

/** Like api.ts's request, but a 422 answers its `issues` instead of throwing them away. */
async function send<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ ok: true; body: T } | { ok: false; issues: Issue[]; message: string }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = session()?.csrfToken;
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check the connection and try again.');
  }
  const parsed = await response.json().catch(() => undefined) as { issues?: Issue[]; error?: { code?: string; message?: string } } | undefined;
  if (response.ok) return { ok: true, body: parsed as T };
  if (response.status === 422 && Array.isArray(parsed?.issues)) return { ok: false, issues: parsed.issues, message: parsed.error?.message ?? 'The policy is not valid.' };
  throw new ApiError(response.status, parsed?.error?.code ?? `http_${response.status}`, parsed?.error?.message ?? `The server answered ${response.status}.`);
}

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

function verdictText(v: Verdict | undefined): string {
  if (!v) return 'not simulated';
  if (v.decision === 'allow') return 'Allowed';
  if (v.decision === 'blocked') return 'Blocked';
  return `Needs approval${v.group ? ` by ${v.group}` : ''}${v.quorum ? ` (quorum ${v.quorum})` : ''}`;
}

function simulationTable(sim: Simulation): HTMLElement {
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

export async function policyPage(): Promise<HTMLElement> {
  const loaded = await send<PolicyView>('GET', '/console/api/policy');
  if (!loaded.ok) throw new Error(loaded.message);
  const view = loaded.body;
  const editorId = uniqueId('policy-editor');
  const issuesId = 'policy-issues';
  const editor = el('textarea', {
    id: editorId, className: 'policy-editor',
    attrs: { rows: '24', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': `${issuesId} policy-editor-hint` },
  });
  editor.value = JSON.stringify(view.policy, null, 2);
  const issues = el('ul', { id: issuesId, className: 'issues', attrs: { 'aria-live': 'polite', 'aria-label': 'Problems in the draft' } });
  const status = messageRegion('status');
  const alert = messageRegion('alert');
  const results = el('div', { id: 'policy-simulation-result' });

  const showIssues = (list: Issue[]): void => {
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

  /** The draft as a value, or undefined after showing where the JSON itself is broken. */
  const draft = (): unknown => {
    try {
      return JSON.parse(editor.value);
    } catch (err) {
      showIssues([{ path: '', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` }]);
      status.textContent = '';
      return undefined;
    }
  };

  const buttons: HTMLButtonElement[] = [];
  const busy = async (label: string, work: () => Promise<void>): Promise<void> => {
    for (const b of buttons) b.disabled = true;
    alert.textContent = '';
    status.textContent = label;
    try {
      await work();
    } catch (err) {
      status.textContent = '';
      alert.textContent = err instanceof Error ? err.message : 'Something went wrong.';
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  };

  const simulate = (show: boolean) => busy(show ? 'Simulating…' : 'Validating…', async () => {
    const value = draft();
    if (value === undefined) return;
    const answer = await send<Simulation>('POST', '/console/api/policy/simulate', { policy: value });
    if (!answer.ok) {
      showIssues(answer.issues);
      replaceChildren(results);
      status.textContent = `${answer.issues.length} problem${answer.issues.length === 1 ? '' : 's'} in the draft: see the list next to the editor.`;
      return;
    }
    showIssues([]);
    status.textContent = show ? 'The draft is valid. Simulated against every connector\'s actions below; nothing was saved.' : 'The draft is valid.';
    replaceChildren(results, show ? simulationTable(answer.body) : null);
  });

  const button = (text: string, onClick: () => void, className = ''): HTMLButtonElement => {
    const b = el('button', { text, className, attrs: { type: 'button' }, on: { click: onClick } });
    buttons.push(b);
    return b;
  };

  const save = () => busy('Saving…', async () => {
    const value = draft();
    if (value === undefined) return;
    const answer = await send<{ revision: number }>('PUT', '/console/api/policy', value);
    if (!answer.ok) {
      showIssues(answer.issues);
      status.textContent = `Not saved: ${answer.issues.length} problem${answer.issues.length === 1 ? '' : 's'} in the draft.`;
      return;
    }
    showIssues([]);
    const fresh = await send<PolicyView>('GET', '/console/api/policy');
    if (fresh.ok) replaceChildren(revisionList, ...revisionItems(fresh.body));
    replaceChildren(inForce, `Revision ${answer.body.revision} is in force.`);
    status.textContent = `Saved as revision ${answer.body.revision}.`;
  });

  const revisionItems = (v: PolicyView): HTMLElement[] => v.revisions.length
    ? v.revisions.map((r) => el('li', { attrs: { 'data-revision': String(r.revision) } },
      el('strong', { text: `Revision ${r.revision}` }), ` by ${r.createdBy ?? 'unknown'}, ${new Date(r.createdAt).toLocaleString()}`))
    : [el('li', { text: 'No revision stored yet: the default policy, derived from the tenant\'s approval settings, is in force.' })];
  const revisionList = el('ul', { id: 'policy-revisions', className: 'plain' }, ...revisionItems(view));
  const inForce = el('p', { id: 'policy-in-force', className: 'lead', text: view.isDefault ? 'The default policy is in force (no revision stored).' : `Revision ${view.revision} is in force.` });

  return el('section', { attrs: { 'aria-labelledby': 'policy-title' } },
    el('h1', { id: 'policy-title', text: 'Policy' }),
    inForce,
    el('div', { className: 'policy-layout' },
      el('div', { className: 'card policy-edit' },
        el('div', { className: 'field' },
          el('label', { text: 'Policy document (JSON)', attrs: { for: editorId } }),
          el('span', { id: 'policy-editor-hint', className: 'rule', text: 'Validate or simulate before saving: problems are listed next to the editor by the field\'s path.' }),
          editor),
        el('div', { className: 'actions' },
          button('Validate', () => void simulate(false), 'secondary-light'),
          button('Simulate', () => void simulate(true), 'secondary-light'),
          view.canSave ? button('Save', () => void save()) : el('p', { className: 'not-installable', text: 'Only an admin can save the policy.' })),
        status, alert),
      el('aside', { className: 'card policy-side', attrs: { 'aria-labelledby': 'policy-issues-title' } },
        el('h2', { id: 'policy-issues-title', text: 'Problems' }),
        issues,
        el('h2', { text: 'Revisions' }),
        revisionList)),
    el('h2', { text: 'Simulation' }),
    results);
}
