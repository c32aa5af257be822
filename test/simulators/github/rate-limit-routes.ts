import { Router } from 'express';
import { RATE_LIMIT_PATH, type RateLimiter } from './rate-limiter';
import { sendJson } from './respond';

/**
 * `GET /rate_limit`: the caller's buckets. It does not count against the limit. Only `core` is
 * tracked; the other resources are reported untouched so clients parsing them still work.
 */
export function rateLimitRoutes(rateLimiter: RateLimiter): Router {
  const router = Router();
  router.get(RATE_LIMIT_PATH, (req, res) => {
    const core = rateLimiter.snapshot(req);
    const fresh = (limit: number): Record<string, number> => ({ limit, used: 0, remaining: limit, reset: core.reset });
    sendJson(res, 200, {
      resources: { core, search: fresh(30), graphql: fresh(5000), integration_manifest: fresh(5000), code_search: fresh(10) },
      rate: core,
    });
  });
  return router;
}
