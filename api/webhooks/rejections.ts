/**
 * Why an inbound webhook was refused, in six classes operators can filter the audit trail on,
 * and the one way such a refusal is audited: reason, class, webhook id, tenant when known and
 * body size — never a secret, a signature or the body itself.
 */
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { appendAudit } from '../../db/audit-repo';
import { hashRouteToken } from '../../db/route-tokens-repo';
import { HttpError } from '../http-error';
import { inboundMetrics } from './inbound-metrics';

/**
 * - `signature`: missing or malformed signature headers, or no signature matched;
 * - `replay`: timestamp outside the tolerance window, a redelivered id, or an id reused for another body;
 * - `schema`: wrong content type, malformed JSON, text that cannot be stored (NUL, unpaired
 *   surrogates), nesting too deep, or a payload of the wrong shape;
 * - `routing`: unknown, revoked, expired or wrong-connector route token (answered as `signature`);
 * - `size`: body over the limit;
 * - `rate`: over the route token's or the tenant's inbound rate limit.
 */
export type RejectionClass = 'signature' | 'replay' | 'schema' | 'routing' | 'size' | 'rate';

/** An HTTP answer to an inbound webhook that is also a classified, audited refusal. */
export class WebhookRejection extends HttpError {
  /** Machine-readable cause for the audit trail; may say more than the public `code` (e.g. for routing). */
  readonly reason: string;
  /** False for a refusal left out of the audit trail by sampling (it is still counted). */
  readonly audit: boolean;
  /** More for the audit event's detail (never a secret or the body). */
  readonly auditDetail: Record<string, unknown>;

  constructor(
    readonly rejectionClass: RejectionClass,
    status: number,
    code: string,
    message: string,
    opts: { reason?: string; details?: unknown; audit?: boolean; auditDetail?: Record<string, unknown> } = {},
  ) {
    super(status, code, message, opts.details);
    this.reason = opts.reason ?? code;
    this.audit = opts.audit ?? true;
    this.auditDetail = opts.auditDetail ?? {};
  }
}

/** The one answer for a signature that does not verify, whatever the actual cause. */
export const SIGNATURE_FAILED = { status: 401, code: 'invalid_signature', message: 'signature verification failed' } as const;

/** A signature that does not verify under any of the route's secrets. */
export function invalidSignature(reason = 'signature_mismatch'): WebhookRejection {
  return new WebhookRejection('signature', SIGNATURE_FAILED.status, SIGNATURE_FAILED.code, SIGNATURE_FAILED.message, { reason });
}

/**
 * A route token that leads nowhere (unknown, revoked, expired, another connector's). Answered
 * exactly like a bad signature so nobody can probe for tenants; only the audit trail tells.
 */
export function routingRefused(reason: string): WebhookRejection {
  return new WebhookRejection('routing', SIGNATURE_FAILED.status, SIGNATURE_FAILED.code, SIGNATURE_FAILED.message, { reason });
}

/** What is known about the request being refused, filled in as the pipeline learns it. */
export interface RejectionContext {
  connector: string;
  /** Known only once the route resolved (never revealed to the sender). */
  tenantId: string | null;
  /** The sender's delivery id (webhook-id, X-GitHub-Delivery), when it sent one. */
  webhookId: string | null;
}

/** One refusal as audited. */
export interface AuditedRefusal {
  rejectionClass: RejectionClass;
  reason: string;
  status: number;
  message: string;
}

/** The audit dependencies: where to write, and where to complain if writing fails. */
export interface RejectionAuditDeps {
  pool: Pool;
  logger: Logger;
}

/** The first 12 hex digits of the token's SHA-256: enough to correlate, useless to call the route. */
export function routeFingerprint(routeToken: string): string {
  return hashRouteToken(routeToken).slice(0, 12);
}

function bodySize(req: Request): number | null {
  if (Buffer.isBuffer(req.body)) return req.body.length;
  const declared = Number(req.get('content-length'));
  return Number.isFinite(declared) && declared >= 0 ? declared : null;
}

/**
 * Counts the refusal (inbound-metrics.ts) and appends a `webhook.rejected` event (outcome = the
 * class). Never throws: a failing audit is logged and the refusal still answered, since the
 * sender's answer must not depend on it.
 */
export async function auditRefusal(deps: RejectionAuditDeps, req: Request, ctx: RejectionContext, refusal: AuditedRefusal, extra: Record<string, unknown> = {}): Promise<void> {
  inboundMetrics.countRefusal(ctx.connector, refusal.rejectionClass);
  try {
    await appendAudit(deps.pool, {
      tenantId: ctx.tenantId,
      type: 'webhook.rejected',
      outcome: refusal.rejectionClass,
      actor: `webhook:${ctx.connector}`,
      detail: {
        connector: ctx.connector,
        reason: refusal.reason,
        status: refusal.status,
        message: refusal.message.slice(0, 500),
        webhookId: ctx.webhookId?.slice(0, 200) ?? null,
        route: routeFingerprint(String(req.params.routeToken ?? '')),
        bodyBytes: bodySize(req),
        ip: req.ip ?? null,
        ...extra,
      },
    });
  } catch (err) {
    deps.logger.error({ err, connector: ctx.connector, rejection: refusal.rejectionClass }, 'could not audit a webhook rejection');
  }
}

/**
 * Turns whatever a webhook handler threw into the error to answer with, counting and auditing
 * it when it is a refusal (unless sampling left it out of the trail): a SyntaxError from
 * JSON.parse becomes a `schema` refusal; other errors (bugs, database outages) pass through
 * unaudited to the error handler, which logs them as 500s.
 */
export async function refuse(deps: RejectionAuditDeps, req: Request, ctx: RejectionContext, err: unknown): Promise<unknown> {
  const rejection = err instanceof SyntaxError
    ? new WebhookRejection('schema', 400, 'malformed_json', 'request body is not valid JSON')
    : err;
  if (rejection instanceof WebhookRejection) {
    if (rejection.audit) await auditRefusal(deps, req, ctx, rejection, rejection.auditDetail);
    else inboundMetrics.countRefusal(ctx.connector, rejection.rejectionClass);
  }
  return rejection;
}
