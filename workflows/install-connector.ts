/**
 * Installing a connector for a tenant, as the marketplace's install review says: show the
 * requested permissions and risk → wait for an admin's approval → (credentials are already
 * stored server-side, by reference) → run the healthcheck → enable the actions the permission
 * level and policy allow. Every step is audited.
 */
import { condition, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { InstallInput, InstallReviewDecision, InstallState } from '../marketplace/types';
import { installStateQuery, reviewInstallSignal } from './install-messages';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function installConnector(input: InstallInput): Promise<InstallState> {
  const workflowId = workflowInfo().workflowId;
  const state: InstallState = { status: 'describing', refusedReviews: [], enabledActions: [] };
  const pending: InstallReviewDecision[] = [];
  setHandler(installStateQuery, () => state);
  setHandler(reviewInstallSignal, (d) => void pending.push(d));
  const audit = (type: string, outcome: string, detail: Record<string, unknown> = {}, actor?: string) =>
    acts.recordAudit({ tenantId: input.tenantId, workflowId, type, outcome, detail, actor });
  const finish = async (status: InstallState['status'], detail: string) => {
    state.status = status;
    state.detail = detail;
    await acts.setInstallStatus({ tenantId: input.tenantId, connectorId: input.connectorId, status, detail, enabledActions: state.enabledActions, reviewedBy: state.decision?.reviewer });
    // The ServiceNow connection decides whether the tenant's reconciliation runs (resumed when
    // enabled, kept paused otherwise).
    if (input.connectorId === 'servicenow') {
      state.reconciliation = await acts.syncReconcileSchedule({ tenantId: input.tenantId, connectorId: input.connectorId, trigger: `connector.${status}` });
    }
    return state;
  };

  state.review = await acts.describeInstall({ tenantId: input.tenantId, connectorId: input.connectorId, ...(input.scopeDrift ? { scopeDrift: input.scopeDrift } : {}) });
  state.status = 'pending_review';
  await audit('connector.install_requested', 'pending', {
    connectorId: input.connectorId, version: state.review.version, riskLevel: state.review.riskLevel,
    permissions: state.review.permissionsRequested, scopes: state.review.scopes,
  }, input.requestedBy);

  const deadline = Date.now() + input.reviewTimeoutSeconds * 1000;
  while (!state.decision) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || !(await condition(() => pending.length > 0, remaining))) break;
    const candidate = pending.shift()!;
    // Separation of duties: whoever asked for the connector cannot also approve it.
    if (candidate.decision === 'approve' && candidate.reviewer === input.requestedBy) {
      state.refusedReviews.push({ reviewer: candidate.reviewer, reason: 'the requester cannot approve their own install' });
      await audit('connector.install_review_refused', 'refused', { reason: 'self-approval' }, candidate.reviewer);
      continue;
    }
    // Least privilege: a grant broader than the manifest declares needs an explicit acceptance.
    const broader = state.review.scopeDrift?.broader ?? [];
    if (candidate.decision === 'approve' && broader.length > 0 && candidate.acceptBroaderScopes !== true) {
      const reason = `the provider granted more than the manifest declares (${broader.join(', ')}): approve with acceptBroaderScopes to accept it, or re-authorise with fewer scopes`;
      state.refusedReviews.push({ reviewer: candidate.reviewer, reason });
      await audit('connector.install_review_refused', 'refused', { reason: 'broader_scopes_not_accepted', broader }, candidate.reviewer);
      continue;
    }
    state.decision = candidate;
  }
  if (!state.decision) {
    await audit('connector.install_expired', 'expired', { connectorId: input.connectorId });
    return finish('expired', `nobody reviewed the install within ${input.reviewTimeoutSeconds} s`);
  }
  if (state.decision.decision === 'reject') {
    await audit('connector.install_rejected', 'rejected', { reason: state.decision.reason ?? null }, state.decision.reviewer);
    return finish('rejected', `rejected by ${state.decision.reviewer}`);
  }
  // The reviewer's choice wins; without one, what the requester ticked in the review.
  const wanted = state.decision.enableActions ?? input.requestedActions;
  await audit('connector.install_approved', 'approved', {
    enableActions: wanted ?? 'all allowed',
    ...(state.review.scopeDrift ? { acceptedBroaderScopes: state.review.scopeDrift.broader, disabledByMissingScopes: state.review.scopeDrift.disabledActions } : {}),
  }, state.decision.reviewer);

  state.status = 'checking_health';
  // Recorded so the console, which reads only PostgreSQL, shows the healthcheck running. Runs
  // that were already waiting for review when this was added go on without it (replay).
  if (patched('install-records-checking-health')) {
    await acts.setInstallStatus({ tenantId: input.tenantId, connectorId: input.connectorId, status: 'checking_health', detail: 'running the healthcheck', enabledActions: [], reviewedBy: state.decision.reviewer });
  }
  state.healthcheck = await acts.runHealthcheck({ tenantId: input.tenantId, connectorId: input.connectorId });
  await audit('connector.healthcheck', state.healthcheck.ok ? 'pass' : 'fail', { detail: state.healthcheck.detail, durationMs: state.healthcheck.durationMs });
  if (!state.healthcheck.ok) return finish('healthcheck_failed', `healthcheck failed: ${state.healthcheck.detail}`);

  const allowed = state.review.actions.filter((a) => a.decision !== 'blocked').map((a) => a.actionId);
  state.enabledActions = wanted ? allowed.filter((a) => wanted.includes(a)) : allowed;
  await audit('connector.enabled', 'enabled', {
    enabledActions: state.enabledActions,
    blockedActions: state.review.actions.filter((a) => a.decision === 'blocked').map((a) => ({ actionId: a.actionId, reason: a.reason })),
  }, state.decision.reviewer);
  return finish('enabled', `${state.enabledActions.length} action(s) enabled`);
}
