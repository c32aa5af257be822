import type { RequestHandler } from 'express';
import { RATE_LIMITED } from './errors';
import { newSysId } from './ids';
import { contextOf } from './request-context';
import { sendError } from './respond';
import type { Clock } from './types';

/** An admin-configured inbound REST rate limit rule, applied per user. */
export interface RateLimitRuleConfig {
  requestsPerHour: number;
}

const HOUR_MS = 3_600_000;

/**
 * Per-user hourly limit with the instance's headers on every answer: `X-RateLimit-Limit`,
 * `X-RateLimit-Reset` (epoch seconds) and `X-RateLimit-Rule` (the rule's sys_id); past the
 * limit, 429 with `Retry-After`. Windows are clock hours, so tests can move the clock past one.
 */
export class RateLimitRule {
  private rule: (RateLimitRuleConfig & { sysId: string }) | null = null;
  private readonly used = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Installs (or with null removes) the rule; counts start afresh. */
  set(rule: RateLimitRuleConfig | null): void {
    if (rule !== null && (!Number.isInteger(rule.requestsPerHour) || rule.requestsPerHour < 0)) {
      throw new Error('requestsPerHour must be a non-negative integer');
    }
    this.rule = rule === null ? null : { ...rule, sysId: newSysId() };
    this.used.clear();
  }

  /** Middleware; must run after authentication (the rule counts per user). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const rule = this.rule;
      const userName = contextOf(req).userName;
      if (rule === null || userName === undefined) {
        next();
        return;
      }
      const now = this.clock().getTime();
      const window = Math.floor(now / HOUR_MS);
      const resetSeconds = ((window + 1) * HOUR_MS) / 1000;
      const key = `${window}:${userName}`;
      const used = (this.used.get(key) ?? 0) + 1;
      this.used.set(key, used);
      res.setHeader('X-RateLimit-Limit', String(rule.requestsPerHour));
      res.setHeader('X-RateLimit-Reset', String(resetSeconds));
      res.setHeader('X-RateLimit-Rule', rule.sysId);
      if (used > rule.requestsPerHour) {
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(resetSeconds - now / 1000))));
        sendError(res, RATE_LIMITED);
        return;
      }
      next();
    };
  }
}
