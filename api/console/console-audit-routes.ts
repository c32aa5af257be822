/**
 * The console's Audit trail page, for the signed-in account's tenant only: a search over the
 * tenant's audit events by type, actor, connector and time (newest first, a page at a time: `next`
 * is the cursor for the older events after the page), and the tenant's hash-chain
 * verification. Verification walks the whole chain, so it runs in the background at most once a
 * minute per tenant and its result is kept in this process with the time it was computed: a
 * request is answered from that result when there is one (starting a refresh when it is older
 * than a minute), and only the tenant's first request waits for a verification.
 */
import { Router } from 'express';
import { z } from 'zod';
import { verifyAuditChain, type AuditChainVerification } from '../../db/audit-chain';
import { AUDIT_PAGE_MAX, isAuditEventId, PAGE_DEFAULT, searchAuditPage } from '../../db/console-runs-repo';
import type { ApiDeps } from '../deps';
import { parseOr422 } from '../parse-request';
import { consoleSessionOf, requireConsoleSession } from './console-session';
import { cursorParam, encodeCursor, pageLimitParam } from './page-cursor';


/** How old a cached verification may be before a request starts another one. */
export const VERIFICATION_MAX_AGE_MS = 60_000;

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max).optional());
const instant = z.preprocess(
  blankToUndefined,
  z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true }), z.iso.date()], { error: 'an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T09:30:00Z' })
    .transform((v) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`))
    .refine((d) => !Number.isNaN(d.getTime()), 'not a valid time')
    .optional(),
);

const auditQuerySchema = z.object({
  type: text(200),
  actor: text(200),
  connector: z.preprocess(blankToUndefined, z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a connector id such as servicenow').optional()),
  since: instant,
  until: instant,
  limit: pageLimitParam(AUDIT_PAGE_MAX),
  before: cursorParam(z.object({ id: z.string().refine(isAuditEventId) }).strict()),
}).refine((q) => !q.since || !q.until || q.since.getTime() <= q.until.getTime(), { message: 'since must not be after until', path: ['since'] });

interface CachedVerification {
  result?: AuditChainVerification;
  verifiedAt?: Date;
  /** The verification under way, if any (one at a time per tenant). */
  running?: Promise<void>;
  error?: string;
}

export function consoleAuditRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/console/api/audit', requireConsoleSession(deps.pool));
  const cache = new Map<string, CachedVerification>();

  const verify = (tenantId: string, entry: CachedVerification): Promise<void> => {
    entry.running ??= verifyAuditChain(deps.pool, { tenantId })
      .then((result) => {
        entry.result = result;
        entry.verifiedAt = new Date();
        delete entry.error;
      }, (err: unknown) => {
        entry.error = err instanceof Error ? err.message : String(err);
        deps.logger.warn({ tenantId, err: entry.error }, 'audit chain verification failed to run');
      })
      .finally(() => {
        delete entry.running;
      });
    return entry.running;
  };

  router.get('/console/api/audit', async (req, res) => {
    const { tenantId } = consoleSessionOf(res);
    const query = parseOr422(auditQuerySchema, req.query, 'invalid audit search');
    const { before, ...search } = query;
    const page = await searchAuditPage(deps.pool, { tenantId, ...search, beforeId: before?.id });
    res.json({ events: page.events, limit: query.limit ?? PAGE_DEFAULT, next: page.next ? encodeCursor({ id: page.next }) : null });
  });

  router.get('/console/api/audit/verification', async (_req, res) => {
    const { tenantId } = consoleSessionOf(res);
    let entry = cache.get(tenantId);
    if (!entry) {
      entry = {};
      cache.set(tenantId, entry);
    }
    if (!entry.verifiedAt) await verify(tenantId, entry);
    else if (Date.now() - entry.verifiedAt.getTime() >= VERIFICATION_MAX_AGE_MS) void verify(tenantId, entry);
    if (!entry.result || !entry.verifiedAt) {
      res.status(503).json({ error: { code: 'verification_unavailable', message: `the audit chain could not be verified${entry.error ? `: ${entry.error}` : ''}` } });
      return;
    }
    res.json({
      ok: entry.result.ok, checked: entry.result.checked,
      ...(entry.result.firstBrokenId ? { firstBrokenId: entry.result.firstBrokenId } : {}),
      ...(entry.result.reason ? { reason: entry.result.reason } : {}),
      ...(entry.result.unhashed ? { unhashed: entry.result.unhashed } : {}),
      verifiedAt: entry.verifiedAt, refreshing: entry.running !== undefined,
    });
  });

  return router;
}
