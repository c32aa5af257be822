/**
 * Signed, expiring read-only links to a run's audit trail, for the Slack message. A link can
 * only read: decisions are never taken through a GET (unfurlers and previews follow links).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export class AuditLinks {
  private readonly key: Buffer;

  constructor(masterKey: Buffer, private readonly publicBaseUrl: string, private readonly ttlSeconds = 30 * 24 * 3600) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gatehouse audit links v1', 32));
  }

  urlFor(workflowId: string, nowMs = Date.now()): string {
    const expires = Math.floor(nowMs / 1000) + this.ttlSeconds;
    const url = new URL(`/audit/runs/${encodeURIComponent(workflowId)}`, this.publicBaseUrl);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('sig', this.sign(workflowId, expires));
    return url.toString();
  }

  /** True when the signature matches the run and the link has not expired. */
  verify(workflowId: string, expires: string, signature: string, nowMs = Date.now()): boolean {
    const expiresAt = Number.parseInt(expires, 10);
    if (!Number.isFinite(expiresAt) || expiresAt * 1000 < nowMs) return false;
    const expected = Buffer.from(this.sign(workflowId, expiresAt));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(workflowId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${workflowId}\n${expires}`).digest('base64url');
  }
}
