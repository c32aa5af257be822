/**
 * The business rule of docs/servicenow-webhook.md, run by the simulator: after an incident
 * insert or update it signs the event with Standard Webhooks and posts it, without holding up
 * the save (RESTMessageV2.executeAsync). Real instances do this for every write, the
 * integration's own included, which is why a receiver has to recognise its echoes.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { IncidentWriteEvent, IncidentWriteListener } from './write-events';

/** One outbound request, as the rule would hand it to RESTMessageV2. */
export interface OutboundWebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface OutboundWebhookRuleOptions {
  /** The receiver's webhook URL (the `x_gatehouse.webhook_url` property). */
  url: string;
  /** `whsec_…` (the `x_gatehouse.webhook_secret` property). */
  secret: string;
  /** Which writes fire the rule; default both, as the documented rule ("Insert" and "Update" ticked). */
  operations?: ReadonlyArray<IncidentWriteEvent['operation']>;
  /** Sends one request and resolves with the answer's status; default fetch. */
  send?: (request: OutboundWebhookRequest) => Promise<number>;
}

export interface OutboundWebhookRule {
  /** Give this to the simulator as its `onIncidentWrite`. */
  listener: IncidentWriteListener;
  /** Deliveries so far by answer status (`error` when no answer came). */
  results(): Record<string, number>;
  /** Resolves once every delivery started so far has its answer. */
  settled(): Promise<void>;
}

async function fetchStatus(request: OutboundWebhookRequest): Promise<number> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  await response.arrayBuffer();
  return response.status;
}

/** The body the documented business rule builds from the saved record. */
export function businessRuleBody(event: IncidentWriteEvent): string {
  const r = event.record;
  return JSON.stringify({
    table: 'incident', sys_id: r.sys_id, number: r.number, event: event.operation === 'insert' ? 'created' : 'updated',
    sys_updated_on: r.sys_updated_on, sys_mod_count: r.sys_mod_count, sys_updated_by: r.sys_updated_by,
  });
}

export function outboundWebhookRule(opts: OutboundWebhookRuleOptions): OutboundWebhookRule {
  const operations = new Set(opts.operations ?? ['insert', 'update']);
  const send = opts.send ?? fetchStatus;
  const signer = new Webhook(opts.secret);
  const counts = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

  const listener: IncidentWriteListener = (event) => {
    if (!operations.has(event.operation)) return;
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    const body = businessRuleBody(event);
    const request: OutboundWebhookRequest = {
      url: opts.url,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign(id, at, body),
      },
      body,
    };
    const delivery = send(request).then((status) => void count(String(status)), () => void count('error'));
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
  };

  return {
    listener,
    results: () => Object.fromEntries(counts),
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
