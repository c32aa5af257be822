/** The connectors whose install is authorised with an OAuth authorisation code, by connector id. */
import { serviceNowOAuth } from '../providers/servicenow-oauth';
import { slackOAuth } from '../providers/slack-oauth';
import type { CodeFlowProvider } from './oauth-provider';

export const codeFlowProviders: Readonly<Record<string, CodeFlowProvider>> = {
  servicenow: serviceNowOAuth,
  slack: slackOAuth,
};
