/**
 * The second stage of the inbound limits (see inbound-rate-limit.ts): once a request's
 * signature verified, a token from its tenant's bucket for that connector, sized by the
 * tenant's `inbound` settings. In process memory, so PER API PROCESS. One bucket per tenant and
 * connector, so a ServiceNow storm never spends the budget of an approver's Slack click.
 */
import type { Response } from 'express';
import type { InboundSettings } from '../../tenancy/tenant-settings';
import { DEFAULT_TENANT_INBOUND_RATE_LIMIT, InboundRateLimiter } from './inbound-rate-limit';
import { rateLimited } from './route-rate-limit';

/** What the limiter needs of a tenant. */
export interface LimitedTenant {
  id: string;
  settings: { inbound?: InboundSettings | undefined };
}

/** Per-tenant, per-connector buckets. */
export class TenantInboundLimiter {
  private readonly buckets: InboundRateLimiter;

  /**
   * @param now - monotonic milliseconds (tests pass a fake clock)
   * @param auditIntervalMs - at most one audited refusal per bucket in this long (default 10 s)
   */
  constructor(now?: () => number, auditIntervalMs?: number) {
    this.buckets = new InboundRateLimiter({ ...DEFAULT_TENANT_INBOUND_RATE_LIMIT, ...(auditIntervalMs === undefined ? {} : { auditIntervalMs }) }, now);
  }

  /**
   * Takes a token for one verified request of `tenant` on `connector`'s route, or throws the
   * 429 refusal (class `rate`, stage `tenant`; audited when sampled) after setting `Retry-After`.
   */
  take(tenant: LimitedTenant, connector: string, res: Response): void {
    const decision = this.buckets.take(`${tenant.id}:${connector}`, {
      requestsPerSecond: tenant.settings.inbound?.requestsPerSecond ?? DEFAULT_TENANT_INBOUND_RATE_LIMIT.requestsPerSecond,
      burst: tenant.settings.inbound?.burst ?? DEFAULT_TENANT_INBOUND_RATE_LIMIT.burst,
    });
    if (decision.allowed) return;
    res.set('Retry-After', String(decision.retryAfterSeconds));
    throw rateLimited(decision, 'tenant');
  }
}
