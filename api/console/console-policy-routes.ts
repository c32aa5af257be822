/**
 * The console's policy page, for the signed-in account's tenant: the policy in force and its
 * revisions (any role), storing a new revision (admins), and simulating a draft against the
 * connectors' actions before saving it (any role: simulating changes nothing). Validation and
 * storage are the admin API's own (api/policy/policy-operations.ts); an invalid document is a 422
 * answering `issues: [{ path, message }]` so the page can show each message next to its field.
 */
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { listPolicyRevisions } from '../../db/policies-repo';
import type { ActionCatalogue } from '../../policy/action-catalogue';
import type { PolicyDocument } from '../../policy/policy-document';
import { loadTenant } from '../../tenancy/tenant-context';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { parsePolicyDocument, simulateOr404, storePolicyRevision } from '../policy/policy-operations';
import { consoleSessionOf, requireConsoleSession, requireRole } from './console-session';

const simulateSchema = z.object({
  /** The draft to try; without it, the policy in force. */
  policy: z.unknown().optional(),
  /** Only this connector (default: every installable connector). */
  connectorId: z.string().min(1).optional(),
});

/** The 422 for an invalid document, with its issues at the top level for the page. */
function answerInvalid(res: Response, err: unknown): boolean {
  if (!(err instanceof HttpError) || err.status !== 422) return false;
  const issues = Array.isArray(err.details) ? err.details as Array<{ path: string; message: string }> : [];
  res.status(422).json({ error: { code: err.code, message: err.message }, issues });
  return true;
}

interface Verdict { decision: string; rule: string; reason: string; group?: string; quorum?: number }

export function consolePolicyRouter(deps: ApiDeps, catalogue: ActionCatalogue): Router {
  const router = Router();
  router.use('/console/api/policy', requireConsoleSession(deps.pool), express.json({ limit: '256kb' }));

  const inForce = async (tenantId: string) => loadTenantPolicy(deps.pool, await loadTenant(deps, tenantId), deps.tenants);

  router.get('/console/api/policy', async (_req, res) => {
    const session = consoleSessionOf(res);
    const [policy, revisions] = await Promise.all([inForce(session.tenantId), listPolicyRevisions(deps.pool, session.tenantId)]);
    res.json({
      revision: policy.revision, isDefault: policy.revision === 0, policy: policy.document,
      revisions: revisions.map((r) => ({ revision: r.revision, createdBy: r.createdBy, createdAt: r.createdAt })).reverse(),
      canSave: session.role === 'admin',
    });
  });

  router.get('/console/api/policy/revisions/:revision', async (req, res) => {
    const session = consoleSessionOf(res);
    const found = (await listPolicyRevisions(deps.pool, session.tenantId)).find((r) => String(r.revision) === req.params.revision);
    if (!found) throw new HttpError(404, 'revision_not_found', `no policy revision ${req.params.revision}`);
    res.json({ revision: found.revision, createdBy: found.createdBy, createdAt: found.createdAt, policy: found.document });
  });

  router.put('/console/api/policy', async (req, res) => {
    const session = requireRole(res, 'admin');
    let document: PolicyDocument;
    try {
      document = parsePolicyDocument(req.body, 'invalid policy');
    } catch (err) {
      if (answerInvalid(res, err)) return;
      throw err;
    }
    const stored = await storePolicyRevision(deps, session.tenantId, document, session.email);
    res.status(201).json({ revision: stored.revision, policy: document });
  });

  router.post('/console/api/policy/simulate', async (req, res) => {
    const session = consoleSessionOf(res);
    const body = parseOr422(simulateSchema, req.body ?? {}, 'invalid simulation request');
    const current = (await inForce(session.tenantId)).document;
    let draft: PolicyDocument;
    try {
      draft = body.policy === undefined ? current : parsePolicyDocument(body.policy, 'invalid draft policy');
    } catch (err) {
      if (answerInvalid(res, err)) return;
      throw err;
    }
    const connectorIds = body.connectorId
      ? [body.connectorId]
      : deps.registry.list().filter((c) => deps.registry.isInstallable(c.connectorId) && catalogue.actionsOf(c.connectorId)).map((c) => c.connectorId);
    const verdict = (e: { decision: string; rule: string; reason: string; approval?: { group: string; quorum: number } }): Verdict => ({
      decision: e.decision, rule: e.rule, reason: e.reason, ...(e.approval ? { group: e.approval.group, quorum: e.approval.quorum } : {}),
    });
    const connectors = connectorIds.map((connectorId) => {
      const before = simulateOr404(catalogue, current, { connectorId });
      const after = simulateOr404(catalogue, draft, { connectorId });
      return {
        connectorId,
        summary: after.summary,
        actions: after.evaluations.map((e) => {
          const was = before.evaluations.find((b) => b.actionId === e.actionId);
          const now = verdict(e);
          const inForceNow = was ? verdict(was) : undefined;
          const changed = !inForceNow || inForceNow.decision !== now.decision || inForceNow.group !== now.group || inForceNow.quorum !== now.quorum;
          return { actionId: e.actionId, draft: now, inForce: inForceNow, changed };
        }),
      };
    });
    res.json({ valid: true, draft: body.policy !== undefined, connectors, changed: connectors.reduce((n, c) => n + c.actions.filter((a) => a.changed).length, 0) });
  });

  return router;
}
