/** The signed-webhook sender, shared with the demo's local stack. */
export { sendWebhook, type SentWebhook } from '../../scripts/local-stack/signed-webhook';
