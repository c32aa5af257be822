/**
 * POST /slack/:routeToken/interactivity — Slack's interactivity Request URL for one tenant.
 * Each tenant has its own Slack app signing secret, so each gets its own Bolt receiver (signature
 * verification on), built on first use and rebuilt when the secret changes.
 */
import { createHash } from 'node:crypto';
import { App, ExpressReceiver } from '@slack/bolt';
import { Router, type RequestHandler } from 'express';
import { resolveRouteToken } from '../../db/route-tokens-repo';
import { getSecret } from '../../db/secrets-repo';
import { loadTenant } from '../../tenancy/tenant-context';
import { secretNames } from '../../tenancy/tenant-settings';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { boltLogger } from './bolt-logger';
import { registerDecisionHandler } from './decision-handler';

interface CachedReceiver {
  secretDigest: string;
  handler: RequestHandler;
}

export function slackInteractivityRouter(deps: ApiDeps): Router {
  const router = Router();
  const receivers = new Map<string, CachedReceiver>();
  const logger = deps.logger.child({ component: 'slack' });

  async function receiverFor(tenantId: string): Promise<RequestHandler | undefined> {
    const signingSecret = await getSecret(deps.pool, deps.secrets, tenantId, secretNames.slackSigningSecret);
    if (!signingSecret) return undefined;
    const secretDigest = createHash('sha256').update(signingSecret).digest('hex');
    const cached = receivers.get(tenantId);
    if (cached?.secretDigest === secretDigest) return cached.handler;

    const tenant = await loadTenant(deps, tenantId);
    const receiver = new ExpressReceiver({
      signingSecret, endpoints: '/', processBeforeResponse: false, logger: boltLogger(logger),
    });
    // The handler only acks, relays to Temporal and answers via response_url: no bot token needed here.
    const app = new App({ receiver, authorize: async () => ({}), logger: boltLogger(logger), clientOptions: { slackApiUrl: tenant.settings.slack.apiBaseUrl } });
    registerDecisionHandler(app, {
      temporal: deps.temporal,
      tenant: { id: tenant.id, slug: tenant.slug, teamId: tenant.settings.slack.teamId },
      onError: (err) => logger.error({ err }, 'slack decision relay failed'),
    });
    app.error(async (err) => void logger.error({ err }, 'bolt error'));
    const handler = receiver.router as unknown as RequestHandler;
    receivers.set(tenantId, { secretDigest, handler });
    return handler;
  }

  router.use('/slack/:routeToken/interactivity', async (req, res, next) => {
    try {
      const route = await resolveRouteToken(deps.pool, String(req.params.routeToken));
      const handler = route?.connector === 'slack' ? await receiverFor(route.tenantId) : undefined;
      // Same answer as Bolt's for a bad signature, so unknown routes are indistinguishable.
      if (!handler) throw new HttpError(401, 'invalid_signature', 'signature verification failed');
      handler(req, res, next);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
