/**
 * The inbound endpoints Gatehouse serves, per connector: the URL a route token goes into and,
 * for the schemes whose secret Gatehouse issues, the secret's name and how a new one is made.
 */
import { randomBytes } from 'node:crypto';
import { secretNames } from '../../tenancy/tenant-settings';

/** Connectors with a route token in an inbound URL. */
export const routedConnectors = ['servicenow', 'slack', 'github', 'custom'] as const;
export type RoutedConnector = (typeof routedConnectors)[number];

/** The custom-webhook connector's Standard Webhooks secret (sealed in tenant_secrets). */
export const CUSTOM_WEBHOOK_SECRET = 'custom_webhook_secret';

/** Connectors whose webhook secret Gatehouse generates (Slack's signing secret comes from Slack). */
export const signedConnectors = ['servicenow', 'github', 'custom'] as const;
export type SignedConnector = (typeof signedConnectors)[number];

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
function standardWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Secret name and generator per connector whose webhook secret can be rotated here. */
export const webhookSecrets: Readonly<Record<SignedConnector, { name: string; generate: () => string }>> = {
  servicenow: { name: secretNames.webhookSecret, generate: standardWebhookSecret },
  // GitHub takes any string as a webhook secret; 32 random bytes in hex is plenty.
  github: { name: secretNames.githubWebhookSecret, generate: () => randomBytes(32).toString('hex') },
  custom: { name: CUSTOM_WEBHOOK_SECRET, generate: standardWebhookSecret },
};

/** The public URL of `connector`'s inbound endpoint for `token`. */
export function inboundUrl(publicBaseUrl: string, connector: RoutedConnector, token: string): string {
  const path = connector === 'slack' ? `/slack/${token}/interactivity` : `/webhooks/${connector}/${token}`;
  return new URL(path, publicBaseUrl).toString();
}
