/**
 * Slack's published Web API limits, in one place. Slack limits each method on its own, per app
 * and workspace, in tiers (Tier 1: 1+/min, Tier 2: 20+/min, Tier 3: 50+/min, Tier 4: 100+/min;
 * docs.slack.dev/apis/web-api/rate-limits); chat.postMessage is "special": about one message per
 * second per channel, short bursts allowed. So each method gets its own bucket, and
 * chat.postMessage one per channel, and a post never waits behind an update, an ephemeral reply
 * or a post to another channel. The defaults take each tier's floor as the sustained rate, with
 * the bursts the tiers describe ("a small amount", "occasional", "sporadic", "generous").
 */
import type { BucketLimits } from './limits';

/** Slack's rate-limit tiers, by the number its method documentation gives. */
export type SlackTier = 1 | 2 | 3 | 4;

/** Each tier's floor (requests per minute, from Slack's table) and the burst allowed on top. */
export const SLACK_TIER_LIMITS: Readonly<Record<SlackTier, Readonly<BucketLimits>>> = Object.freeze({
  1: { requestsPerSecond: 1 / 60, burst: 2 },
  2: { requestsPerSecond: 20 / 60, burst: 5 },
  3: { requestsPerSecond: 50 / 60, burst: 10 },
  4: { requestsPerSecond: 100 / 60, burst: 20 },
});

/** How one method is limited: by a tier per workspace, or by its own limits per channel. */
export type SlackMethodLimit =
  | { scope: 'workspace'; tier: SlackTier }
  | { scope: 'channel'; limits: Readonly<BucketLimits> };

/**
 * The methods Gatehouse calls, with the tier their documentation gives. auth.test is "special"
 * (hundreds per minute); Tier 4 stays inside that.
 */
export const SLACK_METHOD_LIMITS: Readonly<Record<string, SlackMethodLimit>> = Object.freeze({
  'chat.postMessage': { scope: 'channel', limits: { requestsPerSecond: 1, burst: 3 } },
  'chat.update': { scope: 'workspace', tier: 3 },
  'chat.postEphemeral': { scope: 'workspace', tier: 4 },
  'views.open': { scope: 'workspace', tier: 4 },
  'users.info': { scope: 'workspace', tier: 4 },
  'usergroups.users.list': { scope: 'workspace', tier: 2 },
  'auth.test': { scope: 'workspace', tier: 4 },
  'auth.revoke': { scope: 'workspace', tier: 3 },
});

/** A method missing from the table: Tier 2, the tier Slack says most methods have at least. */
export const SLACK_UNKNOWN_METHOD_TIER: SlackTier = 2;

/** The default bucket of one Slack method, and whether it is kept per channel. */
export function slackMethodDefaults(method: string): { limits: Readonly<BucketLimits>; perPartition: boolean } {
  const entry = Object.hasOwn(SLACK_METHOD_LIMITS, method) ? SLACK_METHOD_LIMITS[method] : undefined;
  if (entry?.scope === 'channel') return { limits: entry.limits, perPartition: true };
  return { limits: SLACK_TIER_LIMITS[entry?.tier ?? SLACK_UNKNOWN_METHOD_TIER], perPartition: false };
}
