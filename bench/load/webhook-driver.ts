/**
 * Sends one signed "created" webhook per incident, as the ServiceNow business rule would
 * (Standard Webhooks, like test/support/webhook-sender.ts): all at once for a burst, or paced
 * at the offered rate.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { NoAnswerError, type HttpClient } from './http-client';
import type { Load } from './options';
import { caller } from './simulators';

export interface WebhookTarget {
  url: string;
  /** `whsec_…` */
  secret: string;
}

export interface WebhookOutcome {
  sysId: string;
  /** Wall-clock ms when it went out (after waiting for a free connection). */
  sentAt: number;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  ackMs?: number;
  workflowId?: string;
  /** The answer body when it was not a 2xx (truncated), or why no answer came. */
  error?: string;
}

function workflowIdOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'workflowId' in parsed && typeof parsed.workflowId === 'string') return parsed.workflowId;
  } catch {
    // Not JSON: no workflow id to report.
  }
  return undefined;
}

async function sendOne(client: HttpClient, target: WebhookTarget, signer: Webhook, incident: { sys_id: string; number: string }): Promise<WebhookOutcome> {
  const body = JSON.stringify({ table: 'incident', sys_id: incident.sys_id, number: incident.number, event: 'created', sys_mod_count: '0', sys_updated_by: caller });
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, body),
  };
  try {
    const answer = await client.post(target.url, headers, body);
    const workflowId = workflowIdOf(answer.body);
    const refusal = answer.status >= 300 ? { error: answer.body.slice(0, 300) } : {};
    return { sysId: incident.sys_id, sentAt: answer.sentAt, status: answer.status, ackMs: answer.elapsedMs, ...(workflowId ? { workflowId } : {}), ...refusal };
  } catch (err) {
    if (!(err instanceof NoAnswerError)) throw err;
    return { sysId: incident.sys_id, sentAt: at.getTime(), status: 0, error: err.message };
  }
}

/** Resolves once every webhook has its answer. */
export async function driveWebhooks(client: HttpClient, target: WebhookTarget, incidents: Array<{ sys_id: string; number: string }>, load: Load): Promise<WebhookOutcome[]> {
  const signer = new Webhook(target.secret);
  if (load.kind === 'burst') return Promise.all(incidents.map((incident) => sendOne(client, target, signer, incident)));
  const started = Date.now();
  const sent: Array<Promise<WebhookOutcome>> = [];
  for (const [i, incident] of incidents.entries()) {
    // Paced against the start, not the previous send, so timer lag does not lower the rate.
    const due = started + (i * 1000) / load.perSecond;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    sent.push(sendOne(client, target, signer, incident));
  }
  return Promise.all(sent);
}
