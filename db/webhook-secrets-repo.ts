/**
 * Webhook signing secrets with a rotation overlap. The current secret is the ordinary sealed
 * tenant secret (`<name>`); a rotation keeps the one it replaces, sealed the same way, as
 * `<name>.previous` with an `expires_at`, and both verify signatures until then. Sealing and
 * opening stay in secrets-repo.ts (the SecretBox binds each value to its tenant and name).
 */
import type { Pool } from 'pg';
import { deleteSecret, getSecret, putSecret } from './secrets-repo';
import { isUuid, type Queryable } from './queryable';
import type { SecretBox } from './secret-box';

/** The name under which the secret a rotation replaced is kept during the overlap. */
export function previousSecretName(name: string): string {
  return `${name}.previous`;
}

/**
 * The secrets that currently verify `name`'s signatures: the current one first, then the
 * replaced one while its overlap lasts. Empty when none is set. Runs the same two queries
 * whether or not the tenant exists, so callers can use it on a decoy tenant id for timing.
 */
export async function loadWebhookSecrets(db: Queryable, box: SecretBox, tenantId: string, name: string): Promise<string[]> {
  const current = await getSecret(db, box, tenantId, name);
  const { rows } = isUuid(tenantId)
    ? await db.query<{ live: boolean }>(
      'SELECT expires_at > now() AS live FROM tenant_secrets WHERE tenant_id = $1 AND name = $2',
      [tenantId, previousSecretName(name)],
    )
    : { rows: [] };
  // A previous secret alone (the current one deleted, e.g. on disconnect) verifies nothing.
  if (current === undefined) return [];
  if (rows[0]?.live !== true) return [current];
  const previous = await getSecret(db, box, tenantId, previousSecretName(name));
  return previous === undefined ? [current] : [current, previous];
}

/** The outcome of {@link rotateWebhookSecret}. */
export interface WebhookSecretRotation {
  /** When the replaced secret stops verifying; null when there was none or the overlap is 0. */
  previousExpiresAt: Date | null;
}

/**
 * Makes `newValue` the current secret and keeps the replaced one verifying for `overlapSeconds`
 * (0: not at all), in one transaction. A secret still in an earlier overlap is dropped: only
 * the one just replaced is kept, so two quick rotations end the first one's grace period.
 * Takes a pool because it checks out a client for the transaction; release happens before
 * returning, so callers may audit on the same (one-connection embedded) pool afterwards.
 */
export async function rotateWebhookSecret(
  pool: Pool, box: SecretBox, tenantId: string, name: string, newValue: string, overlapSeconds: number,
): Promise<WebhookSecretRotation> {
  if (!isUuid(tenantId)) throw new TypeError('rotateWebhookSecret: tenantId must be a UUID');
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0) throw new RangeError('rotateWebhookSecret: overlapSeconds must be a non-negative integer');
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    try {
      await client.query('BEGIN');
      const replaced = await getSecret(client, box, tenantId, name);
      let previousExpiresAt: Date | null = null;
      if (replaced !== undefined && overlapSeconds > 0) {
        await putSecret(client, box, tenantId, previousSecretName(name), replaced);
        const { rows } = await client.query<{ expires_at: Date }>(
          `UPDATE tenant_secrets SET expires_at = now() + make_interval(secs => $3::int)
           WHERE tenant_id = $1 AND name = $2 RETURNING expires_at`,
          [tenantId, previousSecretName(name), overlapSeconds],
        );
        previousExpiresAt = rows[0]?.expires_at ?? null;
      } else {
        await deleteSecret(client, tenantId, previousSecretName(name));
      }
      await putSecret(client, box, tenantId, name, newValue);
      await client.query('COMMIT');
      return { previousExpiresAt };
    } catch (err) {
      // A connection whose ROLLBACK fails is in an unknown state: release() discards it.
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
