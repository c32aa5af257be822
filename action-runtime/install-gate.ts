/**
 * What the tenant's marketplace install allows, on top of its policy. A connector installed
 * through the marketplace runs only the actions its reviewer enabled, and a disconnected one runs
 * nothing. A connector configured only in the tenant's settings (no install record, or an
 * install still under review) runs as configured: the install flow is how a tenant narrows it.
 */
import type { ConnectorInstall } from '../db/installs-repo';

export interface InstallRefusal {
  rule: 'install_not_enabled' | 'install_disconnected' | 'install_scope_review';
  reason: string;
}

/** Why the install forbids `actionId`, or undefined when it does not. */
export function installRefusal(install: ConnectorInstall | undefined, actionId: string): InstallRefusal | undefined {
  if (!install) return undefined;
  if (install.status === 'disconnected') {
    return { rule: 'install_disconnected', reason: `the ${install.connectorId} connector was disconnected; reinstall it to use ${actionId}` };
  }
  if (install.status === 'held_scope_review') {
    return { rule: 'install_scope_review', reason: `the ${install.connectorId} provider granted more than its manifest declares; a tenant admin must accept or narrow the grant before ${actionId} runs` };
  }
  if (install.status === 'enabled' && !install.enabledActions.includes(actionId)) {
    return { rule: 'install_not_enabled', reason: `${actionId} was not enabled when the ${install.connectorId} connector was installed (reviewed by ${install.reviewedBy ?? 'the tenant admin'})` };
  }
  return undefined;
}
