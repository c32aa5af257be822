/**
 * The policy page: the document in force as a form (policy-form.ts), or as JSON for those who
 * prefer it ("Edit as JSON"; switching keeps the draft), and its revisions. Validate and Simulate
 * send the draft to the server, which checks it with the same schema as saving; each problem is
 * shown at its field (in the form) or listed by the field's path next to the editor (JSON), and a
 * simulation shows every connector action whose decision the draft changes. Only an admin can
 * save; saving stores a new revision. Everybody else sees the form read-only.
 */
import { ApiError } from './api';
import { el, messageRegion, replaceChildren } from './dom';
import { send, type PolicyView, type Simulation } from './policy-api';
import type { PolicyDraft } from './policy-draft';
import { policyForm, type PolicyForm } from './policy-form';
import type { ConnectorActions } from './policy-form-overrides';
import type { Issue } from './policy-issue-paths';
import { jsonView } from './policy-json-view';
import { simulationTable } from './policy-simulation';

type ViewName = 'form' | 'json';
/** The view last chosen, so someone who edits JSON is not sent back to the form on every visit. */
const viewKey = 'gatehouse.console.policy-view';

function rememberedView(): ViewName {
  try {
    return window.localStorage.getItem(viewKey) === 'json' ? 'json' : 'form';
  } catch {
    return 'form';
  }
}

function rememberView(view: ViewName): void {
  try {
    window.localStorage.setItem(viewKey, view);
  } catch {
    // Storage refused (private mode): the form is shown next time, which is the default anyway.
  }
}

/** The connectors' action ids, from a simulation of the policy in force (none if it fails). */
async function loadCatalogue(): Promise<ConnectorActions[]> {
  try {
    const answer = await send<Simulation>('POST', '/console/api/policy/simulate', {});
    return answer.ok ? answer.body.connectors.map((c) => ({ connectorId: c.connectorId, actionIds: c.actions.map((a) => a.actionId) })) : [];
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    return [];
  }
}

const problems = (n: number): string => `${n} problem${n === 1 ? '' : 's'}`;

export async function policyPage(): Promise<HTMLElement> {
  const [loaded, catalogue] = await Promise.all([send<PolicyView>('GET', '/console/api/policy'), loadCatalogue()]);
  if (!loaded.ok) throw new Error(loaded.message);
  const view = loaded.body;

  const json = jsonView();
  let form: PolicyForm = policyForm(view.policy, catalogue, view.canSave);
  let current: ViewName = rememberedView();
  const formPanel = el('div', { id: 'policy-form-panel' }, form.element);
  const jsonPanel = el('div', { id: 'policy-json-panel' }, json.element);
  const jsonProblems = el('div', { className: 'policy-json-problems' }, el('h2', { id: 'policy-issues-title', text: 'Problems' }), json.issues);
  const status = messageRegion('status');
  const alert = messageRegion('alert');
  const results = el('div', { id: 'policy-simulation-result' });

  const formButton = el('button', { text: 'Form', className: 'secondary-light', attrs: { type: 'button' } });
  const jsonButton = el('button', { text: 'Edit as JSON', className: 'secondary-light', attrs: { type: 'button' } });
  const show = (next: ViewName) => {
    current = next;
    formPanel.hidden = next !== 'form';
    jsonPanel.hidden = next !== 'json';
    jsonProblems.hidden = next !== 'json';
    formButton.setAttribute('aria-pressed', String(next === 'form'));
    jsonButton.setAttribute('aria-pressed', String(next === 'json'));
    rememberView(next);
  };
  if (current === 'json') json.setDocument(view.policy);
  show(current);

  formButton.addEventListener('click', () => {
    if (current === 'form') return;
    alert.textContent = '';
    const parsed = json.parse();
    if (!parsed.ok) {
      status.textContent = '';
      alert.textContent = `The JSON does not parse (${parsed.error}), so it cannot be shown as a form: fix it here first.`;
      return;
    }
    form = policyForm(parsed.value, catalogue, view.canSave);
    replaceChildren(formPanel, form.element);
    json.showIssues([]);
    show('form');
    status.textContent = 'Showing the draft as a form.';
  });
  jsonButton.addEventListener('click', () => {
    if (current === 'json') return;
    alert.textContent = '';
    const read = form.read();
    if (!read) {
      status.textContent = 'Fix the problems in the form before editing it as JSON.';
      return;
    }
    json.setDocument(read.document);
    json.showIssues([]);
    show('json');
    status.textContent = 'Showing the draft as JSON.';
  });

  /** The draft to send, or undefined after showing what is wrong with it locally. */
  const draft = (): { value: unknown; formDraft?: PolicyDraft } | undefined => {
    if (current === 'form') {
      const read = form.read();
      if (!read) {
        status.textContent = 'The form has problems: see the messages next to the fields.';
        return undefined;
      }
      return { value: read.document, formDraft: read.draft };
    }
    const parsed = json.parse();
    if (parsed.ok) return { value: parsed.value };
    json.showIssues([{ path: '', message: `not valid JSON: ${parsed.error}` }]);
    status.textContent = '';
    return undefined;
  };

  const showIssues = (sent: { formDraft?: PolicyDraft }, list: Issue[]): void => {
    if (sent.formDraft) form.showIssues(list, sent.formDraft);
    else json.showIssues(list);
  };
  const where = (sent: { formDraft?: PolicyDraft }) => (sent.formDraft ? 'see the messages next to the fields' : 'see the list next to the editor');

  const buttons: HTMLButtonElement[] = [formButton, jsonButton];
  const busy = async (label: string, work: () => Promise<void>): Promise<void> => {
    // Disabling the pressed button drops its focus; it gets it back unless the answer moved it.
    const pressed = document.activeElement;
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
      if (pressed instanceof HTMLElement && pressed.isConnected && (!document.activeElement || document.activeElement === document.body)) pressed.focus();
    }
  };

  const simulate = (showTable: boolean) => busy(showTable ? 'Simulating…' : 'Validating…', async () => {
    const sent = draft();
    if (!sent) return;
    const answer = await send<Simulation>('POST', '/console/api/policy/simulate', { policy: sent.value });
    if (!answer.ok) {
      replaceChildren(results);
      status.textContent = `${problems(answer.issues.length)} in the draft: ${where(sent)}.`;
      showIssues(sent, answer.issues);
      return;
    }
    showIssues(sent, []);
    status.textContent = showTable ? 'The draft is valid. Simulated against every connector\'s actions below; nothing was saved.' : 'The draft is valid.';
    replaceChildren(results, showTable ? simulationTable(answer.body) : null);
  });

  const button = (text: string, onClick: () => void, className = ''): HTMLButtonElement => {
    const b = el('button', { text, className, attrs: { type: 'button' }, on: { click: onClick } });
    buttons.push(b);
    return b;
  };

  const save = () => busy('Saving…', async () => {
    const sent = draft();
    if (!sent) return;
    const answer = await send<{ revision: number; policy: unknown }>('PUT', '/console/api/policy', sent.value);
    if (!answer.ok) {
      status.textContent = `Not saved: ${problems(answer.issues.length)} in the draft, ${where(sent)}.`;
      showIssues(sent, answer.issues);
      return;
    }
    showIssues(sent, []);
    if (sent.formDraft) {
      // The stored document, defaults filled in (an empty quorum is stored as 1): the form shows it.
      form = policyForm(answer.body.policy, catalogue, view.canSave);
      replaceChildren(formPanel, form.element);
    }
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
        el('div', { className: 'view-switch', attrs: { role: 'group', 'aria-label': 'Edit the policy as' } }, formButton, jsonButton),
        formPanel,
        jsonPanel,
        el('div', { className: 'actions policy-buttons' },
          button('Validate', () => void simulate(false), 'secondary-light'),
          button('Simulate', () => void simulate(true), 'secondary-light'),
          view.canSave ? button('Save', () => void save()) : el('p', { className: 'not-installable', text: 'Only an admin can save the policy.' })),
        status, alert),
      el('aside', { className: 'card policy-side', attrs: { 'aria-label': 'Problems and revisions' } },
        jsonProblems,
        el('h2', { text: 'Revisions' }),
        revisionList)),
    el('h2', { text: 'Simulation' }),
    results);
}
