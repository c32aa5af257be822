import { performance } from 'node:perf_hooks';
import { buildBlockActionsPayload } from './block-actions-payload';
import { slackSignature } from './signature';
import type { SlackStore } from './store';
import { inputState, viewJson } from './modals';
import type { ClickOptions, ClickRequest, ClickResult, SubmitViewOptions, SubmitViewResult } from './types';

/** Guard so a hung app under test fails the test instead of hanging it. */
const CLICK_TIMEOUT_MS = 30_000;

/**
 * The request Slack sends for a button click: form body `payload=<urlencoded JSON>`,
 * `X-Slack-Request-Timestamp`, and a v0 `X-Slack-Signature` over the raw body.
 */
export function buildClickRequest(store: SlackStore, baseUrl: string, opts: ClickOptions): ClickRequest {
  const payload = buildBlockActionsPayload(store, baseUrl, opts);
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = opts.timestampOverride ?? Math.floor(Date.now() / 1000);
  const signature = slackSignature(opts.signingSecretOverride ?? opts.signingSecret, timestamp, body);
  return {
    url: opts.interactivityUrl,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': signature,
    },
    body,
  };
}

/** Sends a click request (again, for a replay). Resolves with status, body text and elapsed time (apps must ack within 3 s). */
export async function deliverClick(request: ClickRequest): Promise<ClickResult> {
  const started = performance.now();
  const response = await fetch(request.url, {
    method: 'POST', headers: request.headers, body: request.body, redirect: 'manual',
    signal: AbortSignal.timeout(CLICK_TIMEOUT_MS),
  });
  const body = await response.text();
  return { status: response.status, body, elapsedMs: performance.now() - started };
}

/** Delivers a button click to an app's interactivity URL exactly as Slack does. */
export async function sendClick(store: SlackStore, baseUrl: string, opts: ClickOptions): Promise<ClickResult> {
  return deliverClick(buildClickRequest(store, baseUrl, opts));
}

/** Submits an open modal as the user who opened it, with plain-text values by block_id → action_id. */
export async function submitView(store: SlackStore, opts: SubmitViewOptions): Promise<SubmitViewResult> {
  const view = store.modals.view(opts.viewId);
  if (view === undefined || view.closed) throw new Error(`submitView: no open view ${opts.viewId}`);
  const workspace = store.workspace(view.teamId);
  const user = store.anyUser(view.userId);
  if (workspace === undefined || user === undefined) throw new Error(`submitView: view ${opts.viewId} has no workspace or user`);
  const payload = {
    type: 'view_submission',
    team: { id: workspace.teamId, domain: workspace.domain },
    user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
    api_app_id: workspace.appId,
    token: workspace.verificationToken,
    trigger_id: store.modals.issueTrigger(workspace.teamId, user.id),
    view: viewJson(view, inputState(view, opts.values)),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const result = await deliverClick({
    url: opts.interactivityUrl,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': slackSignature(opts.signingSecret, timestamp, body),
    },
    body,
  });
  // Slack closes the modal on an empty 200; a response_action of "errors" keeps it open.
  let errors: Record<string, string> | undefined;
  if (result.status === 200 && result.body.trim() !== '') {
    const answer = JSON.parse(result.body) as { response_action?: string; errors?: Record<string, string> };
    if (answer.response_action === 'errors') errors = answer.errors ?? {};
  }
  store.modals.settle(opts.viewId, result.status === 200 && errors === undefined, errors);
  return { ...result, ...(errors ? { errors } : {}) };
}
