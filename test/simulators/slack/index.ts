/**
 * Slack simulator for tests: a local HTTP server speaking Slack's Web API and response_url wire
 * formats, plus a client that delivers signed `block_actions` clicks to an app.
 */
export { startSlackSimulator, type SlackSimulatorOptions } from './server';
export { deliverClick } from './interactivity-client';
export { slackSignature } from './signature';
export type { OpenedView } from './modals';
export type {
  ChannelInput,
  ClickOptions,
  ClickRequest,
  ClickResult,
  OAuthAppInput,
  OAuthConsent,
  RefreshTokenRotationMode,
  EphemeralMessage,
  SlackMessage,
  SlackSimulator,
  SubmitViewOptions,
  SubmitViewResult,
  UserGroupInput,
  UserInput,
  WorkspaceInput,
} from './types';
