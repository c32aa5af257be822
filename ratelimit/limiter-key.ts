/**
 * What a limited call is: whose tenant, which connector, and optionally which provider
 * operation and what the provider limits that operation per (a Slack channel). Also the rule
 * for validating it, kept apart so the store and the bucket rules share it.
 */
import { createHash } from 'node:crypto';
import { isUuid } from '../db/queryable';
import { rateLimitConnectorPattern, rateLimitResourcePattern } from './limits';

/** Whose budget a call draws from. */
export interface LimiterKey {
  /** The tenant's id (a UUID). */
  tenantId: string;
  /** The connector id, e.g. `servicenow`. */
  connector: string;
  /** The provider operation, e.g. Slack's `chat.postMessage`; absent: the connector's bucket only. */
  resource?: string;
  /** What the provider limits the operation per, e.g. the Slack channel; used where the operation's limit is per partition. */
  partition?: string;
}

/** Throws a TypeError for a key the limiter cannot hold (a programming error, not a limit). */
export function assertLimiterKey(key: LimiterKey): void {
  if (!isUuid(key.tenantId)) throw new TypeError('rate limiter: tenantId must be a UUID');
  if (!rateLimitConnectorPattern.test(key.connector)) throw new TypeError(`rate limiter: "${key.connector}" is not a connector id`);
  if (key.resource !== undefined && !rateLimitResourcePattern.test(key.resource)) {
    throw new TypeError(`rate limiter: "${key.resource}" is not an operation name`);
  }
}

const plainPartition = /^[A-Za-z0-9_.#@-]{1,80}$/;

/**
 * The partition as it appears in a bucket key. Channel ids pass as they are (readable in the
 * table); anything else (a long or odd channel name) becomes a digest, so a key stays short
 * and one partition always maps to the same bucket.
 */
export function partitionKeyPart(partition: string): string {
  return plainPartition.test(partition) ? partition : `sha256-${createHash('sha256').update(partition).digest('hex').slice(0, 32)}`;
}
