/**
 * What the OAuth install tests share: a browser that does not follow redirects, the tenant's
 * stored grant rows and audit events, waiting for a connector's install to reach a state, and the
 * master key box the running stack seals with (to open a grant's tokens the way the product does).
 */
import type { Pool } from 'pg';
import { listAudit } from '../../db/audit-repo';
import { SecretBox } from '../../db/secret-box';

export interface BrowsedPage {
  status: number;
  text: string;
  location: string | null;
  setCookie: string | null;
}

/** A browser request that does not follow redirects; `keep` receives the body (e.g. for a secret scan). */
export async function browse(url: string, cookie?: string, keep?: (text: string) => void): Promise<BrowsedPage> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const text = await res.text();
  keep?.(text);
  return { status: res.status, text, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie') };
}

/** The tenant's audit events of one type. */
export async function auditOf(pool: Pool, tenantId: string, type: string) {
  return (await listAudit(pool, { tenantId, limit: 1000 })).filter((e) => e.type === type);
}

/** The connector's `connector_grants` rows (at most one), with the columns asked for. */
export async function grantRows<Row>(pool: Pool, tenantId: string, connectorId: string, columns: readonly string[]): Promise<Row[]> {
  return (await pool.query(`SELECT ${columns.join(', ')} FROM connector_grants WHERE tenant_id = $1 AND connector_id = $2`, [tenantId, connectorId])).rows as Row[];
}

type AdminCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

/** Polls the connector's install view until `until` holds (20 s at most). */
export async function waitForInstall<View>(admin: AdminCall, slug: string, connectorId: string, until: (v: View) => boolean): Promise<View> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const view = (await admin('GET', `/admin/tenants/${slug}/connectors/${connectorId}/install`)).body as unknown as View;
    if (until(view)) return view;
    if (Date.now() > deadline) throw new Error(`${connectorId} install stuck: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The stack keeps its master key to itself; it runs in this process, so the box that unwraps the
 * tenant's data keys is noted the first time it does. Call at load time, before the stack starts.
 */
export function watchMasterBox(): () => SecretBox {
  let master: SecretBox | undefined;
  const open = SecretBox.prototype.open;
  SecretBox.prototype.open = function (this: SecretBox, ...args: Parameters<SecretBox['open']>) {
    if (String(args[1]).startsWith('gatehouse/tenant_data_keys/')) master = this;
    return open.apply(this, args);
  };
  return () => {
    if (!master) throw new Error('the stack has not opened a data key yet');
    return master;
  };
}
