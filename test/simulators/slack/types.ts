/**
 * Public and internal types of the Slack simulator.
 *
 * The public shapes (`SlackMessage`, `EphemeralMessage`, `SlackSimulator`, …) are what tests
 * assert on; the `*Record` shapes are the simulator's own bookkeeping and never leave it.
 */
import type { OpenedView } from './modals';

/** A channel message as the simulator stores it, returned by {@link SlackSimulator.messages}. */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  /** How many times the message was edited (chat.update or response_url `replace_original`). */
  updatedCount: number;
  /** Previous versions, oldest first: `history[0]` is the message as first posted. */
  history: Array<{ text: string; blocks: unknown[] }>;
}

/** An ephemeral message, posted by chat.postEphemeral or through a response_url. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  viaResponseUrl: boolean;
}

/** Workspace (one app installation) setup for {@link SlackSimulator.addWorkspace}. */
export interface WorkspaceInput {
  teamId: string;
  domain: string;
  botToken: string;
  botUserId?: string;
  appId?: string;
}

/** User setup for {@link SlackSimulator.addUser}. */
export interface UserInput {
  id: string;
  teamId: string;
  name: string;
  realName?: string;
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
}

/** Channel setup for {@link SlackSimulator.addChannel}. `botIsMember` defaults to true. */
export interface ChannelInput {
  id: string;
  teamId: string;
  name: string;
  botIsMember?: boolean;
}

/** User group setup for {@link SlackSimulator.addUserGroup}. */
export interface UserGroupInput {
  id: string;
  teamId: string;
  handle: string;
  users: string[];
}

/** Options of {@link SlackSimulator.click}. */
export interface ClickOptions {
  /** Full URL of the app's interactivity Request URL. */
  interactivityUrl: string;
  /** The app's signing secret, used to sign the request. */
  signingSecret: string;
  channel: string;
  /** ts of the message holding the button. */
  ts: string;
  actionId: string;
  /** Id of the clicking user; must have been added with addUser. */
  userId: string;
  /** Click even when the stored message no longer shows the button (stale-message clicks). */
  force?: boolean;
  /** Sign with this secret instead, to forge a bad signature. */
  signingSecretOverride?: string;
  /** Send this X-Slack-Request-Timestamp (epoch seconds) instead of now, to simulate a replay. */
  timestampOverride?: number;
}

/** A click as sent over the wire, kept to be sent again byte for byte (a replay). */
export interface ClickRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What {@link SlackSimulator.click} resolves with. */
export interface ClickResult {
  status: number;
  body: string;
  elapsedMs: number;
}

/** Options of {@link SlackSimulator.submitView}. */
export interface SubmitViewOptions {
  interactivityUrl: string;
  signingSecret: string;
  viewId: string;
  /** Plain-text input values: block_id → action_id → value. */
  values: Record<string, Record<string, string>>;
}

/** What {@link SlackSimulator.submitView} resolves with; `errors` when the app kept the modal open. */
export interface SubmitViewResult extends ClickResult {
  errors?: Record<string, string>;
}

/** A distributed Slack app for {@link SlackSimulator.addOAuthApp}. */
export interface OAuthAppInput {
  clientId: string;
  clientSecret: string;
  /** Defaults to an id derived from clientId. */
  appId?: string;
  /** Exact redirect URLs the authorize endpoint accepts. */
  redirectUris: string[];
  /** Installs return expiring `xoxe.xoxb-…` tokens plus a refresh token. Default false. */
  tokenRotation?: boolean;
  /** Lifetime of rotating access tokens; default 43200 (12 h, Slack's value). */
  accessTokenLifetimeSeconds?: number;
}

/** What the installing user answers on the consent screen; see {@link SlackSimulator.setOAuthConsent}. */
export interface OAuthConsent {
  decision: 'approve' | 'deny';
  /** The installing user; decides the workspace installed into. Default: first human user of the first workspace. */
  userId?: string;
  /** Replaces the requested `scope` list in what gets granted (a broader or narrower grant). */
  grantScopes?: string[];
}

/**
 * What happens to the presented refresh token on a refresh: revoked at once (Slack's documented
 * behaviour, the default), or kept working until the new access token is used on a Web API call
 * or the new refresh token is presented (a grace period some providers give).
 */
export type RefreshTokenRotationMode = 'rotate-revoke-previous' | 'rotate-previous-valid-until-new-used';

/** A running Slack simulator. */
export interface SlackSimulator {
  /** Base URL to give a Slack WebClient as `slackApiUrl`, ending in "/api/", e.g. http://127.0.0.1:PORT/api/ */
  apiUrl: string;
  /** Root URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Stops the HTTP server, dropping keep-alive connections. */
  close(): Promise<void>;
  /** Adds a workspace with its bot token; the bot also becomes a user of that workspace. */
  addWorkspace(w: WorkspaceInput): void;
  /** Adds a user to an existing workspace. */
  addUser(u: UserInput): void;
  /** Adds a public channel to an existing workspace. */
  addChannel(c: ChannelInput): void;
  /** Adds a user group (subteam) to an existing workspace. */
  addUserGroup(g: UserGroupInput): void;
  /** Revokes a bot token: later calls with it fail with `token_revoked`. */
  revokeToken(token: string): void;
  /** Live (not deleted) channel messages, oldest first, optionally of one channel. Copies. */
  messages(channel?: string): SlackMessage[];
  /** Ephemeral messages in posting order, optionally for one user. Copies. */
  ephemerals(user?: string): EphemeralMessage[];
  /** Count of Web API calls by method name, e.g. { "chat.postMessage": 2 }; faulted calls count too. */
  callCounts(): Record<string, number>;
  /** Every Web API call with the wall-clock time it arrived (ms), oldest first; faulted calls too. */
  callTimeline(): Array<{ at: number; method: string }>;
  /** Next `count` calls of `method` answer HTTP 429 with Retry-After: retryAfterSeconds and body {"ok":false,"error":"ratelimited"}. */
  rateLimit(method: string, count: number, retryAfterSeconds: number): void;
  /** Next `count` calls of `method` answer {"ok":false,"error": error}. */
  failNext(method: string, count: number, error: string): void;
  /**
   * Clicks a button on a posted message the way Slack does: sends a signed `block_actions`
   * payload to `interactivityUrl` and resolves with the HTTP status, body text and elapsed ms.
   * Throws if the message or user is unknown, or the message no longer has the button (unless `force`).
   */
  click(opts: ClickOptions): Promise<ClickResult>;
  /** The signed request a click would send, without sending it (send it with {@link deliverClick}). */
  clickRequest(opts: ClickOptions): ClickRequest;
  /** Modals the app opened with views.open, oldest first, optionally for one user. Copies. */
  views(userId?: string): OpenedView[];
  /** Submits an open modal the way Slack does (signed `view_submission`); throws if it is not open. */
  submitView(opts: SubmitViewOptions): Promise<SubmitViewResult>;
  /** Registers a distributed app that can be installed through `/oauth/v2/authorize` and `oauth.v2.access`. */
  addOAuthApp(app: OAuthAppInput): void;
  /** How the next authorize requests are answered (default: approve, requested scopes). */
  setOAuthConsent(c: OAuthConsent): void;
  /** What a refresh does to the presented refresh token (default 'rotate-revoke-previous'). */
  setRefreshTokenRotation(mode: RefreshTokenRotationMode): void;
  /** oauth.v2.access calls by grant_type (as sent, or the default one), failures included. */
  oauthAccessCounts(): Record<string, number>;
  /** The workspace uninstalls the app: its access and refresh tokens stop working (`token_revoked`, `invalid_refresh_token`). */
  revokeInstallTokens(clientId: string): void;
  /** Every expiring (rotation) access token expires now: Web API calls answer `token_expired`. Non-rotating xoxb tokens never expire, as in Slack. */
  expireAccessTokens(): void;
}

/** Internal: one app installation. */
export interface WorkspaceRecord {
  teamId: string;
  domain: string;
  botToken: string;
  botUserId: string;
  botId: string;
  botName: string;
  appId: string;
  /** Legacy verification token, sent as `token` in interactivity payloads. */
  verificationToken: string;
}

/** Internal: a user. */
export interface UserRecord {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  email?: string;
  deleted: boolean;
  isBot: boolean;
}

/** Internal: a channel. */
export interface ChannelRecord {
  id: string;
  teamId: string;
  name: string;
  botIsMember: boolean;
  created: number;
}

/** Internal: a user group. */
export interface UserGroupRecord {
  id: string;
  teamId: string;
  handle: string;
  users: string[];
}

/** Internal: a stored channel message; deleted ones stay so forced clicks can still target them. */
export interface MessageRecord {
  teamId: string;
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  updatedCount: number;
  history: Array<{ text: string; blocks: unknown[] }>;
  deleted: boolean;
}

/** Internal: a response_url handed out with one click. */
export interface ResponseUrlRecord {
  teamId: string;
  id: string;
  secret: string;
  channel: string;
  messageTs: string;
  userId: string;
  uses: number;
  createdAtMs: number;
}
