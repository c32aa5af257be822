import { performance } from 'node:perf_hooks';
import { buildBlockActionsPayload } from './block-actions-payload';
import { slackSignature } from './signature';
import type { SlackStore } from './store';
import type { ClickOptions, ClickRequest, ClickResult } from './types';

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
