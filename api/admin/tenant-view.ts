/** What the admin API shows of a tenant: settings and route URLs, never a secret value. */
import type { TenantSettings } from '../../tenancy/tenant-settings';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  settings: TenantSettings;
  secretsConfigured: string[];
}

export function routeUrls(publicBaseUrl: string, tokens: { servicenow?: string; slack?: string }) {
  return {
    ...(tokens.servicenow ? { servicenowWebhookUrl: new URL(`/webhooks/servicenow/${tokens.servicenow}`, publicBaseUrl).toString() } : {}),
    ...(tokens.slack ? { slackInteractivityUrl: new URL(`/slack/${tokens.slack}/interactivity`, publicBaseUrl).toString() } : {}),
  };
}
