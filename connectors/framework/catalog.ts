/**
 * Every connector definition Gatehouse ships: the list `scripts/manifests.ts` generates, signs
 * and checks manifests for. A new connector is added here once its definition file exists.
 */
import { githubConnector } from '../github/definition';
import { customWebhookConnector } from '../planned/custom-webhook';
import { gmailConnector } from '../planned/gmail';
import { googleDriveConnector } from '../planned/google-drive';
import { stripeConnector } from '../planned/stripe';
import { serviceNowConnector } from '../servicenow/definition';
import { slackConnector } from '../slack/definition';
import type { ConnectorDefinition } from './types';

/** All connector definitions, available and planned. */
export const connectorDefinitions: readonly ConnectorDefinition[] = [
  serviceNowConnector,
  slackConnector,
  githubConnector,
  googleDriveConnector,
  gmailConnector,
  stripeConnector,
  customWebhookConnector,
];
