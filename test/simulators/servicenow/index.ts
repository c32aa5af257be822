/**
 * ServiceNow simulator: a local HTTP server speaking the Table API and OAuth wire format
 * (wire reference §1), with direct state access and fault injection for tests.
 */
import { Directory, type GroupSeed, type UserSeed } from './directory';
import { FaultQueue, type FaultInjector } from './faults';
import { toIncidentRecord } from './incident-record';
import { IncidentService } from './incident-service';
import { RateLimitRule, type RateLimitRuleConfig } from './rate-limit-rule';
import { RequestCounter } from '../shared/request-counter';
import { closeServer, createApp, listen } from './server';
import { Store } from './store';
import { AuthorizationCodes } from './authorization-codes';
import { GrantCounts } from './grant-counts';
import { OAuthClients } from './oauth-clients';
import { OAuthSettings, type OAuthConsent } from './oauth-settings';
import { TokenStore, type RefreshTokenRotation } from './token-store';
import type { Clock, IncidentRecord, JournalElement, JournalEntry } from './types';
import { ObservedIncidentService, type IncidentWriteListener } from './write-events';

export type { IncidentRecord, JournalEntry, JournalElement, ReferenceValue } from './types';
export type { FaultInjector, FaultMatch, RateLimitFault, ErrorFault, DropFault } from './faults';
export type { RateLimitRuleConfig } from './rate-limit-rule';
export type { UserSeed, GroupSeed } from './directory';
export type { TokenResponse, RefreshTokenRotation } from './token-store';
export type { OAuthConsent } from './oauth-settings';
export { OAUTH_TOKEN_PATH, OAUTH_REVOKE_PATH } from './oauth-routes';
export { OAUTH_AUTHORIZE_PATH } from './authorize-route';
export { s256 as pkceS256Challenge } from './pkce';
export { TABLE_API_BASES } from './server';
export type { IncidentWriteEvent, IncidentWriteListener } from './write-events';
export { outboundWebhookRule, type OutboundWebhookRule, type OutboundWebhookRuleOptions, type OutboundWebhookRequest } from './outbound-webhook-rule';

/** A running simulator. */
export interface ServiceNowSimulator {
  /** Base URL of the instance, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Stops listening and cuts open connections. */
  close(): Promise<void>;
  /** Adds a `sys_user` that can authenticate with Basic auth or the password grant. */
  addUser(u: UserSeed): void;
  /** Adds a `sys_user_group`. */
  addGroup(g: GroupSeed): { sys_id: string };
  /**
   * Registers an OAuth client (application registry entry). `redirect_uris`: the URLs
   * `/oauth_auth.do` may redirect to (none registered: any). `clientCredentialsUser`: the OAuth
   * Application User (sys_user user_name) the client_credentials grant acts as; without one that
   * grant is refused.
   */
  addOAuthClient(c: { client_id: string; client_secret: string; redirect_uris?: string[]; clientCredentialsUser?: string }): void;
  /** What the browser consent on `/oauth_auth.do` answers from now on; default approve as `admin`. */
  setOAuthConsent(c: OAuthConsent): void;
  /** Instance property `glide.oauth.inbound.client.credential.grant_type.enabled`; off by default. */
  setClientCredentialsGrantEnabled(enabled: boolean): void;
  /**
   * Refresh grant behaviour: 'off' (default, documented) keeps the refresh token and returns none;
   * the rotating modes return a new refresh token and revoke the presented one either once the
   * new access or refresh token is used ('rotate-previous-valid-until-new-used') or at once.
   */
  setRefreshTokenRotation(mode: RefreshTokenRotation): void;
  /** Token endpoint requests by grant_type (failed ones included; no grant_type counts as `(none)`). */
  tokenRequestCounts(): Record<string, number>;
  /** An admin revoking every access and refresh token of the client in the instance. */
  revokeAllTokensOf(clientId: string): void;
  /** Every access token issued so far expires now (refresh tokens keep working). */
  expireAccessTokens(): void;
  /**
   * Seeds an incident as `asUser` (default `admin`) with the platform's defaults filled in
   * (sys_id, number, dates, state "1", priority from impact/urgency…). Unlike the API, seeding
   * may also set sys_* fields. Reference fields take sys_ids.
   */
  createIncident(fields: Partial<Record<string, string>>, asUser?: string): IncidentRecord;
  /** The stored incident (references as bare sys_ids), or undefined. */
  getIncident(sysId: string): IncidentRecord | undefined;
  /** Simulates a human editing the incident in the UI (bumps sys_mod_count, sets sys_updated_by). Throws if it does not exist. */
  updateIncidentAsUser(sysId: string, fields: Record<string, string>, userName: string): IncidentRecord;
  /** Journal entries of an incident, oldest first. */
  journal(sysId: string, element?: JournalElement): JournalEntry[];
  /** Requests received, by `"METHOD /path"` (no query). */
  requestCounts(): Record<string, number>;
  /** Every request received with its arrival time (ms since the epoch), oldest first. */
  requestTimeline(): Array<{ at: number; key: string }>;
  /** Forgets all request counts. */
  resetRequestCounts(): void;
  /** Fault injection; each fault is consumed by the matching requests, in order. */
  faults: FaultInjector;
  /** Per-user rate-limit rule (requests/hour) with `X-RateLimit-*` headers; null removes it. */
  setRateLimitRule(rule: RateLimitRuleConfig | null): void;
  /** Lifetime of access tokens issued from now on (default 1800 s; 0 issues already-expired tokens). */
  setAccessTokenLifetimeSeconds(seconds: number): void;
}

/** Options of {@link startServiceNowSimulator}. */
export interface ServiceNowSimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Source of "now" for timestamps, token expiry and rate-limit windows; default the wall clock. */
  now?: Clock;
  /** Told of every committed incident write (business rules, load tests); off by default. */
  onIncidentWrite?: IncidentWriteListener;
}

/** Starts a simulator listening on `host:port`. */
export async function startServiceNowSimulator(opts: ServiceNowSimulatorOptions = {}): Promise<ServiceNowSimulator> {
  const clock: Clock = opts.now ?? (() => new Date());
  const store = new Store();
  const directory = new Directory(store, clock);
  const incidents = opts.onIncidentWrite
    ? new ObservedIncidentService(store, directory, clock, opts.onIncidentWrite)
    : new IncidentService(store, directory, clock);
  const tokens = new TokenStore(clock);
  const clients = new OAuthClients();
  const settings = new OAuthSettings();
  const grantCounts = new GrantCounts();
  const oauth = { directory, clients, tokens, codes: new AuthorizationCodes(clock, tokens), settings, grantCounts };
  const faults = new FaultQueue();
  const counter = new RequestCounter();
  const rateLimitRule = new RateLimitRule(clock);
  let baseUrl = '';

  const app = createApp({ store, directory, incidents, tokens, faults, counter, rateLimitRule, oauth, baseUrl: () => baseUrl });
  const { server, url } = await listen(app, opts.host ?? '127.0.0.1', opts.port ?? 0);
  baseUrl = url;
  let closing: Promise<void> | undefined;

  return {
    url,
    close: () => (closing ??= closeServer(server)),
    addUser: (u) => {
      directory.addUser(u);
    },
    addGroup: (g) => ({ sys_id: directory.addGroup(g).sys_id ?? '' }),
    addOAuthClient: (c) =>
      clients.add({
        clientId: c.client_id,
        clientSecret: c.client_secret,
        redirectUris: [...(c.redirect_uris ?? [])],
        clientCredentialsUser: c.clientCredentialsUser,
      }),
    setOAuthConsent: (c) => settings.setConsent(c),
    setClientCredentialsGrantEnabled: (enabled) => {
      settings.clientCredentialsGrantEnabled = enabled;
    },
    setRefreshTokenRotation: (mode) => tokens.setRotation(mode),
    tokenRequestCounts: () => grantCounts.snapshot(),
    revokeAllTokensOf: (clientId) => tokens.revokeAllOfClient(clientId),
    expireAccessTokens: () => tokens.expireAccessTokens(),
    createIncident: (fields, asUser = 'admin') =>
      toIncidentRecord(incidents.create(fields, { userName: asUser, inputDisplayValue: false }, true)),
    getIncident: (sysId) => {
      const row = store.get('incident', sysId);
      return row ? toIncidentRecord(row) : undefined;
    },
    updateIncidentAsUser: (sysId, fields, userName) => {
      const row = incidents.update(sysId, fields, { userName, inputDisplayValue: false });
      if (!row) throw new Error(`no incident ${sysId}`);
      return toIncidentRecord(row);
    },
    journal: (sysId, element) => incidents.journal(sysId, element),
    requestCounts: () => counter.snapshot(),
    requestTimeline: () => counter.timeline(),
    resetRequestCounts: () => counter.reset(),
    faults,
    setRateLimitRule: (rule) => rateLimitRule.set(rule),
    setAccessTokenLifetimeSeconds: (seconds) => tokens.setAccessLifetimeSeconds(seconds),
  };
}
