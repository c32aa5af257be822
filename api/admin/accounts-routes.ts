/**
 * Console accounts, managed with the operator's admin token: create one (admin, approver or
 * viewer of one tenant) and list them. Passwords are hashed before they reach the database and
 * never come back.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { createAccount, DuplicateAccountError, listAccounts } from '../../db/console-accounts-repo';
import { hashPassword } from '../../console/password';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { tenantRowBySlug } from './tenant-lookup';

const accountSchema = z.object({
  email: z.string().email().max(320),
  role: z.enum(['admin', 'approver', 'viewer']),
  /** Long enough that the sign-in limit (10 tries per 15 minutes) makes guessing hopeless. */
  password: z.string().min(12, 'at least 12 characters').max(1000),
  createdBy: z.string().min(1).max(200).default('admin-api'),
  /** The Slack user id the account decides approvals as in the console inbox (policy approver groups list Slack ids). */
  approverId: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'approverId: a Slack user id (e.g. U0123ABCD)').optional(),
});

export function accountsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/admin/tenants/:slug/accounts', express.json({ limit: '8kb' }));

  router.post('/admin/tenants/:slug/accounts', async (req, res) => {
    const tenant = await tenantRowBySlug(deps, req.params.slug);
    const body = parseOr422(accountSchema, req.body ?? {}, 'invalid account');
    try {
      const account = await createAccount(deps.pool, { tenantId: tenant.id, email: body.email, role: body.role, passwordHash: await hashPassword(body.password), createdBy: body.createdBy, ...(body.approverId ? { approverId: body.approverId } : {}) });
      await appendAudit(deps.pool, { tenantId: tenant.id, type: 'console.account_created', outcome: 'ok', actor: body.createdBy, detail: { email: account.email, role: account.role, ...(account.approverId ? { approverId: account.approverId } : {}) } });
      res.status(201).json({ account: { email: account.email, role: account.role, tenant: tenant.slug, ...(account.approverId ? { approverId: account.approverId } : {}) } });
    } catch (err) {
      if (err instanceof DuplicateAccountError) throw new HttpError(409, 'account_exists', err.message);
      throw err;
    }
  });

  router.get('/admin/tenants/:slug/accounts', async (req, res) => {
    const tenant = await tenantRowBySlug(deps, req.params.slug);
    res.json({ accounts: (await listAccounts(deps.pool, tenant.id)).map((a) => ({ email: a.email, role: a.role })) });
  });

  return router;
}
