import { randomUUID } from 'node:crypto';
import { githubSignature1, githubSignature256 } from './webhook-signature';

/** Options of {@link sendGitHubWebhook}. */
export interface GitHubWebhookOptions {
  /** The webhook secret configured on the app. */
  secret: string;
  /** `X-GitHub-Event`, e.g. `pull_request`. */
  event: string;
  /** Serialised with `JSON.stringify` unless `rawBody` is given. */
  payload?: unknown;
  /** Exact body to send (and sign), for byte-level tests. */
  rawBody?: string;
  /** `X-GitHub-Delivery`; a new GUID by default. Reuse one to simulate a redelivery, which keeps it. */
  deliveryId?: string;
  /** `X-GitHub-Hook-ID`; default 1. */
  hookId?: number;
  /** `X-GitHub-Hook-Installation-Target-ID` (the app id for App webhooks); default 1. */
  targetId?: number;
  /** Sent instead of the computed `X-Hub-Signature-256` (null omits it), to test rejection. */
  signatureOverride?: string | null;
  /** Body actually sent when it should differ from the signed one (a tampered delivery). */
  tamperedBody?: string;
}

/** What the receiver answered. */
export interface GitHubWebhookResult {
  status: number;
  text: string;
  deliveryId: string;
}

/**
 * Delivers a webhook the way GitHub does: `POST` with a JSON body, `X-GitHub-Event`,
 * `X-GitHub-Delivery`, `X-Hub-Signature-256` (plus the legacy SHA-1 one), the hook headers of
 * an App webhook and a `GitHub-Hookshot` user agent.
 */
export async function sendGitHubWebhook(url: string, opts: GitHubWebhookOptions): Promise<GitHubWebhookResult> {
  const signedBody = opts.rawBody ?? JSON.stringify(opts.payload ?? {});
  const deliveryId = opts.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/3f6b1a2',
    'x-github-event': opts.event,
    'x-github-delivery': deliveryId,
    'x-github-hook-id': String(opts.hookId ?? 1),
    'x-github-hook-installation-target-type': 'integration',
    'x-github-hook-installation-target-id': String(opts.targetId ?? 1),
    'x-hub-signature': githubSignature1(opts.secret, signedBody),
  };
  const signature = opts.signatureOverride === undefined ? githubSignature256(opts.secret, signedBody) : opts.signatureOverride;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body: opts.tamperedBody ?? signedBody });
  return { status: response.status, text: await response.text(), deliveryId };
}
