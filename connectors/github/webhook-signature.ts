/**
 * Verifies GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>` with
 * `@octokit/webhooks-methods` `verify`, which compares in constant time (wire reference §3
 * "Webhooks"). The legacy SHA-1 `X-Hub-Signature` is never accepted.
 *
 * The body must be the exact bytes received, before any JSON parsing: re-serialised JSON does
 * not match the signature.
 */

/** The header carrying the signature (lower-case, as Node exposes it). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** The event name header. */
export const EVENT_HEADER = 'x-github-event';
/** The delivery GUID header: unchanged on redelivery, so it is the idempotency key. */
export const DELIVERY_HEADER = 'x-github-delivery';

/** Why a delivery was refused, for the audit trail. */
export type WebhookSignatureFailure = 'missing_signature' | 'malformed_signature' | 'signature_mismatch';

/** The outcome of {@link verifyGitHubWebhookSignature}. */
export type WebhookSignatureCheck = { ok: true } | { ok: false; reason: WebhookSignatureFailure };

/** `verify` as `@octokit/webhooks-methods` 6 declares it (its types cannot be resolved under this project's module settings). */
type Verify = (secret: string, eventPayload: string, signature: string) => Promise<boolean>;

// Not a literal, on purpose: with `moduleResolution: node` TypeScript cannot see this ESM-only
// package's types, and a dynamic import (unlike `require`) can load it from CommonJS.
const WEBHOOKS_METHODS: string = '@octokit/webhooks-methods';
let loading: Promise<Verify> | undefined;

function hasVerify(mod: unknown): mod is { verify: Verify } {
  return typeof mod === 'object' && mod !== null && 'verify' in mod && typeof mod.verify === 'function';
}

function loadVerify(): Promise<Verify> {
  loading ??= import(WEBHOOKS_METHODS).then((mod: unknown) => {
    if (!hasVerify(mod)) throw new Error('@octokit/webhooks-methods does not export verify');
    return mod.verify;
  });
  return loading;
}

const SIGNATURE_FORMAT = /^sha256=[0-9a-f]{64}$/;

/**
 * Checks a delivery's signature.
 *
 * @param secret - the webhook secret configured on the GitHub App (must not be empty)
 * @param rawBody - the request body exactly as received (a Buffer is read as UTF-8, which GitHub sends)
 * @param signatureHeader - the `X-Hub-Signature-256` value, if any
 */
export async function verifyGitHubWebhookSignature(
  secret: string,
  rawBody: string | Buffer,
  signatureHeader: string | undefined,
): Promise<WebhookSignatureCheck> {
  // An empty secret would make every signature an HMAC anyone can compute: a configuration bug, not a bad request.
  if (secret === '') throw new Error('GitHub webhook secret is not configured');
  if (signatureHeader === undefined || signatureHeader === '') return { ok: false, reason: 'missing_signature' };
  if (!SIGNATURE_FORMAT.test(signatureHeader)) return { ok: false, reason: 'malformed_signature' };
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  // verify() refuses an empty payload with a TypeError; GitHub never sends one, so it cannot be genuine.
  if (body === '') return { ok: false, reason: 'signature_mismatch' };
  const verify = await loadVerify();
  return (await verify(secret, body, signatureHeader)) ? { ok: true } : { ok: false, reason: 'signature_mismatch' };
}
