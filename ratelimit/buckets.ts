/**
 * Which buckets a call is charged to. Every call draws from its connector's bucket (key
 * `slack`, `servicenow`, …: the tenant's whole use of the provider). A call that names an
 * operation of a provider with per-operation limits (Slack) also draws from that operation's
 * bucket (`slack:chat.update`), or, where the provider limits the operation per channel, from
 * the bucket of that channel (`slack:chat.postMessage:C0123`). Buckets are rows of
 * connector_rate_limits keyed by these strings; the last bucket of the list is the most
 * specific, the one a provider's throttling answer pauses.
 */
import { partitionKeyPart, type LimiterKey } from './limiter-key';
import { limitsFor, mergeLimits, overrideFor, type BucketLimits, type RateLimitSettings } from './limits';
import { slackMethodDefaults } from './slack-method-tiers';

/** One bucket a call draws from: its row key and its limits. */
export interface LimitBucket {
  /** Row key in connector_rate_limits, e.g. `slack:chat.postMessage:C0123`. */
  key: string;
  limits: BucketLimits;
}

/** A provider's per-operation defaults, and whether an operation is limited per partition. */
type OperationDefaults = (resource: string) => { limits: Readonly<BucketLimits>; perPartition: boolean };

/**
 * Connectors whose providers limit each operation on its own. The others (ServiceNow, GitHub)
 * publish one budget for the whole API, so their connector bucket is all there is.
 */
const OPERATION_DEFAULTS: Readonly<Record<string, OperationDefaults>> = Object.freeze({
  slack: slackMethodDefaults,
});

/**
 * The buckets `key` is charged to, most general first, with the tenant's overrides applied:
 * `rateLimits[connector]` to the connector's bucket, `rateLimits["connector.operation"]` to the
 * operation's (per-partition or not).
 */
export function bucketsFor(key: LimiterKey, settings?: RateLimitSettings): LimitBucket[] {
  const buckets: LimitBucket[] = [{ key: key.connector, limits: limitsFor(key.connector, settings) }];
  const defaults = Object.hasOwn(OPERATION_DEFAULTS, key.connector) ? OPERATION_DEFAULTS[key.connector] : undefined;
  if (defaults === undefined || key.resource === undefined) return buckets;
  const operation = defaults(key.resource);
  const limits = mergeLimits(operation.limits, overrideFor(settings, `${key.connector}.${key.resource}`));
  const operationKey = `${key.connector}:${key.resource}`;
  // Without a partition (a caller that did not say), the operation's limit applies to all its calls together.
  const bucketKey = operation.perPartition && key.partition ? `${operationKey}:${partitionKeyPart(key.partition)}` : operationKey;
  buckets.push({ key: bucketKey, limits });
  return buckets;
}

/** The bucket a provider's "slow down" for this call pauses: the most specific one it is charged to. */
export function throttledBucketKey(key: LimiterKey): string {
  return bucketsFor(key).at(-1)?.key ?? key.connector;
}
